import { cpus, totalmem } from 'node:os';
import type { JobOf, ModelRecommendation, ModelStatus, Precision } from '@contract';
import { checkModel } from '../diagnostics/model-check';
import type { JobRunner } from '../jobs/runner';
import { freeDiskFor, recommend } from '../models/recommend';
import type { SessionPool } from '../models/session-pool';
import type { LibraryRefresh } from './library-refresh';
import type { ModelStoreRef } from './model-store-ref';

export interface ModelsServiceDeps {
  models: ModelStoreRef;
  jobs: JobRunner;
  pool: SessionPool;
  /** The execution provider sessions prefer (the recommendation depends on it). */
  provider: () => string;
  /** The library's CLIP model: once downloaded, the library is indexed with it. */
  clipModelId: () => string;
  refresh: LibraryRefresh;
}

/** The models: status, downloads, recommendations and checks. */
export class ModelsService {
  constructor(private readonly deps: ModelsServiceDeps) {}

  private get store() {
    return this.deps.models.current;
  }

  get modelsDir(): string {
    return this.store.modelsDir;
  }

  /** The download mirror in effect. */
  get mirror(): string {
    return this.store.mirror;
  }

  list(): ModelStatus[] {
    return this.store.list();
  }

  status(id: string): ModelStatus {
    return this.store.status(id);
  }

  /** The model a task runs: its manifest entry, or the precision variant of it in use. */
  resolve(id: string): string {
    return this.store.resolve(id);
  }

  /** What the first-run guide proposes for this machine. */
  async recommend(): Promise<ModelRecommendation> {
    return recommend(this.store, {
      provider: this.deps.provider(),
      cpus: cpus().length,
      ramBytes: totalmem(),
      freeDiskBytes: await freeDiskFor(this.store.modelsDir),
    });
  }

  download(id: string, variant?: Precision): JobOf<'models.download'> {
    const model = this.store.entry(id);
    // Asking again while a download of the same model runs returns that job instead of starting a second one.
    const { job, created } = this.deps.jobs.submitOnce(`models.download:${id}`, { kind: 'models.download', label: `Downloading ${model.title}`, unit: 'MB' }, (ctx) =>
      this.store.download(id, ctx, variant),
    );
    if (created && model.task === 'clip') {
      // Once the library's CLIP model is on disk, index with it at once instead of waiting for a Rescan.
      void this.deps.jobs.settled(job.id).then((done) => {
        if (done.state === 'done' && model.id === this.deps.clipModelId()) this.deps.refresh.ifAnyFolders();
      });
    }
    return job;
  }

  /** Loads and runs an installed model on a few inputs (`models check`), saving what it found for Settings. */
  check(id: string, options: { photosDir?: string; steps?: number } = {}) {
    return checkModel(id, { store: this.store, pool: this.deps.pool, ...options });
  }
}
