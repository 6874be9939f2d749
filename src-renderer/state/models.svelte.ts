import { isFinished, type Job, type ModelRecommendation, type ModelStatus, type Precision, type Settings, type SettingsView, explainError, type Problem } from '@contract';
import type { StudioClient } from '../api/client';
import type { JobsState } from './jobs.svelte';

/** The model list in Settings, with the download job of each model (if any) and a refresh when a download ends. */
export class ModelsState {
  models = $state<ModelStatus[]>([]);
  error = $state<Problem | null>(null);
  /** Model id → id of its download job. */
  downloads = $state<Record<string, string>>({});
  /** Saved settings, what is in effect, and what flags fix. */
  settings = $state<SettingsView | null>(null);
  settingsError = $state<Problem | null>(null);
  /** The first-run guide: open, and what it proposes for this machine. */
  guideOpen = $state(false);
  guide = $state<ModelRecommendation | null>(null);
  private guideShownThisSession = false;

  constructor(
    private readonly client: StudioClient,
    private readonly jobs: JobsState,
  ) {
    client.on('job.progress', (job) => {
      if (job.kind === 'models.download' && isFinished(job.state)) void this.load();
    });
    client.onStatus((status) => {
      if (status === 'open') void this.load();
    });
  }

  async load(): Promise<void> {
    try {
      [this.models, this.settings] = await Promise.all([this.client.call('models.list', {}), this.client.call('settings.get', {})]);
      this.error = null;
      // The first time the studio opens with no model at all, propose a set for this machine.
      if (!this.guideShownThisSession && !this.settings.settings.firstRunDone && !this.models.some((m) => m.installed)) void this.openGuide();
    } catch (error) {
      this.error = explainError(error);
    }
  }

  /** Saves where models live (or the mirror) and reloads the list, which then reflects the new folder. */
  async saveSettings(patch: Partial<Settings>): Promise<boolean> {
    try {
      this.settings = await this.client.call('settings.update', patch);
      this.settingsError = null;
      await this.load();
      return true;
    } catch (error) {
      this.settingsError = explainError(error);
      return false;
    }
  }

  async openGuide(): Promise<void> {
    this.guideShownThisSession = true;
    this.guideOpen = true;
    try {
      this.guide = await this.client.call('models.recommend', {});
    } catch (error) {
      this.error = explainError(error);
      this.guideOpen = false;
    }
  }

  /** Closes the guide for good (until reopened from Settings → Models). */
  async skipGuide(): Promise<void> {
    this.guideOpen = false;
    await this.saveSettings({ firstRunDone: true });
  }

  /** Starts the chosen downloads (they show in the job tray) and closes the guide. */
  async startGuide(choices: { id: string; variant: Precision }[]): Promise<void> {
    for (const { id, variant } of choices) await this.download(id, variant);
    await this.skipGuide();
  }

  jobFor(id: string): Job | undefined {
    const jobId = this.downloads[id];
    return jobId ? this.jobs.jobs.find((j) => j.id === jobId) : undefined;
  }

  async download(id: string, variant?: Precision): Promise<void> {
    try {
      const job = await this.client.call('models.download', { id, ...(variant ? { variant } : {}) });
      this.jobs.apply(job);
      this.downloads[id] = job.id;
    } catch (error) {
      this.error = explainError(error);
    }
  }
}
