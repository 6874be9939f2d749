import { isFinished, type Job, explainError, type Problem } from '@contract';
import type { StudioClient } from '../api/client';
import type { JobsState } from './jobs.svelte';

export interface PreviewRun {
  jobId: string | null;
  done: number;
  total: number;
  images: { seed: number; image: string }[];
  error: Problem | null;
}

/** Generated previews of concepts ("*name" created from its own photos), per concept, on request. */
export class ConceptPreviewsState {
  runs = $state<Record<string, PreviewRun>>({});

  constructor(
    private readonly client: StudioClient,
    private readonly jobs: JobsState,
  ) {
    client.on('job.progress', (job) => this.onJob(job));
  }

  async show(name: string, seed = 0): Promise<void> {
    if (this.runs[name]?.jobId) return;
    try {
      const job = await this.client.call('concepts.previews', { name, seed });
      this.jobs.apply(job);
      this.runs[name] = { jobId: job.id, done: 0, total: job.progress.total ?? 3, images: [], error: null };
    } catch (error) {
      this.runs[name] = { jobId: null, done: 0, total: 0, images: [], error: explainError(error) };
    }
  }

  cancel(name: string): void {
    const id = this.runs[name]?.jobId;
    if (id) void this.jobs.cancel(id);
  }

  private onJob(job: Job): void {
    const name = Object.keys(this.runs).find((n) => this.runs[n]!.jobId === job.id);
    if (!name) return;
    const run = this.runs[name]!;
    if (!isFinished(job.state)) {
      this.runs[name] = { ...run, done: job.progress.done, total: job.progress.total ?? run.total };
      return;
    }
    const result = job.kind === 'concepts.previews' ? job.result : null;
    this.runs[name] = {
      ...run,
      jobId: null,
      done: run.total,
      images: job.state === 'done' ? (result?.previews ?? []) : run.images,
      error: job.state === 'failed' ? (explainError(job.error ?? 'Previews failed.')) : null,
    };
  }
}
