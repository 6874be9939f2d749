import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { AppError, type Settings, type SettingsView } from '@contract';
import type { SettingsStore } from '../config/settings-store';
import type { ComposerRegistry } from '../compose/composer-registry';
import type { JobRunner } from '../jobs/runner';
import type { Library } from '../library/library';
import type { Manifest } from '../models/manifest';
import type { SessionPool } from '../models/session-pool';
import type { EffectiveSettings } from './effective-settings';
import type { LibraryRefresh } from './library-refresh';
import type { ModelStoreRef } from './model-store-ref';

export interface SettingsServiceDeps {
  saved: SettingsStore;
  effective: EffectiveSettings;
  manifest: Manifest;
  models: ModelStoreRef;
  pool: SessionPool;
  composers: ComposerRegistry;
  /** Caches tied to the models folder (composed-search conditions, loaded CLIP models). */
  clearModelCaches: () => void;
  library: Pick<Library, 'verify'>;
  refresh: LibraryRefresh;
  jobs: JobRunner;
}

/** Settings: what is saved, what is in effect and why, and applying a change at once. */
export class SettingsService {
  constructor(private readonly deps: SettingsServiceDeps) {}

  view(): SettingsView {
    return this.deps.effective.view();
  }

  /** Saves settings and applies them at once: a new models folder releases the sessions of the old one. */
  async update(patch: Partial<Settings>): Promise<SettingsView> {
    await this.check(patch);
    const { effective, models } = this.deps;
    const before = effective.effective();
    const keyBefore = models.current.libraryKey(before.clipModel);
    await this.deps.saved.update(patch);
    const after = effective.effective();
    if (after.modelsDir !== before.modelsDir) {
      await this.deps.pool.release(before.modelsDir);
      this.deps.clearModelCaches();
    }
    models.rebuild();
    if (after.clipModel !== before.clipModel || models.current.libraryKey(after.clipModel) !== keyBefore) {
      // Embed everything with the new model in the background; searches use the old vectors until it is done.
      this.deps.refresh.ifAnyFolders();
    }
    if (after.vectorPrecision !== before.vectorPrecision) {
      // The old index keeps answering searches until the new one is built.
      this.deps.jobs.submit({ kind: 'library.vectors', label: `Rebuilding the search index (${after.vectorPrecision})`, unit: 'steps', total: 1 }, async (ctx) => {
        const report = await this.deps.library.verify();
        ctx.progress(1);
        return { report };
      });
    }
    return this.view();
  }

  /** Refuses a change this run fixes, or one that cannot work (a model that is not installed, a folder that cannot be written). */
  private async check(patch: Partial<Settings>): Promise<void> {
    const lockedBy = this.deps.effective.lockedBy() as Record<string, string | null>;
    const remote = this.deps.effective.remoteLock();
    for (const key of Object.keys(patch) as (keyof Settings)[]) {
      const lock = lockedBy[key];
      if (lock && lock === remote) {
        throw new AppError('CONFLICT', `Changing ${key} over the network is refused in server mode: restart serve with --allow-remote-settings, or set it with --${key === 'modelsDir' ? 'models-dir' : 'model-mirror'}.`);
      }
      if (lock) throw new AppError('CONFLICT', `${key} is fixed by ${lock} for this run; restart without it to change it here.`);
    }
    const models = this.deps.models.current;
    if (patch.clipModel) {
      const entry = models.entry(patch.clipModel);
      if (entry.task !== 'clip') throw new AppError('INVALID_PARAMS', `${entry.title} is not a CLIP model.`);
      models.require(patch.clipModel);
    }
    // A learned composer must be installed (and fit) before it becomes the default.
    if (patch.composer) await this.deps.composers.get(patch.composer);
    if (patch.modelsDir) {
      if (!isAbsolute(patch.modelsDir)) throw new AppError('INVALID_PARAMS', `The models folder must be an absolute path, not “${patch.modelsDir}”.`);
      try {
        await mkdir(patch.modelsDir, { recursive: true });
        await access(patch.modelsDir, constants.W_OK);
      } catch (error) {
        throw new AppError('IO_ERROR', `Cannot use ${patch.modelsDir} as the models folder: ${(error as Error).message}`);
      }
    }
    for (const [id, variant] of Object.entries(patch.modelVariants ?? {})) {
      const status = models.status(id);
      if (!status.variants.some((v) => v.name === variant) && !this.deps.manifest.models.some((m) => m.variantOf === id && m.precision === variant)) {
        throw new AppError('INVALID_PARAMS', `${status.title} comes in ${status.variants.map((v) => v.name).join(', ')}, not ${variant}.`);
      }
    }
  }
}
