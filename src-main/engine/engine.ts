import { mkdir } from 'node:fs/promises';
import { arch, cpus, platform, release } from 'node:os';
import { isFinished, type AppInfo, type EventName, type EventPayload, type Job, type ModelStatus } from '@contract';
import manifestJson from '../../models/manifest.json';
import pkg from '../../package.json';
import { diskCheck } from './diagnostics/disk-check';
import { JobRunner } from './jobs/runner';
import { chooseExecutionProvider, probeOnnxRuntime, type OrtProbe, type ProviderChoice } from './models/execution-providers';
import { parseManifest } from './models/manifest';
import { ModelStore } from './models/model-store';
import { SessionPool } from './models/session-pool';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface EngineOptions {
  dataDir: string;
  /** Where models live; defaults to <dataDir>/models. */
  modelsDir?: string;
  /** Base URL for model downloads (Hugging Face layout). */
  modelMirror?: string | undefined;
  /** fetch used for downloads (tests pass their own). */
  fetch?: typeof fetch;
  host: AppInfo['host'];
  /** Electron's version when running inside Electron. */
  electronVersion?: string | null;
  jobConcurrency?: number;
}

export type EngineEvent = { [E in EventName]: { topic: E; payload: EventPayload<E> } }[EventName];
type EventListener = (event: EngineEvent) => void;

/** The product: everything the studio does, with no knowledge of Electron or of any transport. */
export class Engine {
  readonly jobs: JobRunner;
  readonly models: ModelStore;
  /** ONNX Runtime sessions, created lazily with the chosen execution provider. */
  readonly sessions: SessionPool;
  private readonly listeners = new Set<EventListener>();
  private readonly providerChoice: ProviderChoice;
  /** Model id → id of its latest download job. */
  private readonly downloads = new Map<string, string>();

  private constructor(
    readonly options: EngineOptions,
    private readonly ort: OrtProbe,
  ) {
    this.jobs = new JobRunner({ concurrency: options.jobConcurrency ?? 2 });
    this.jobs.onUpdate((job) => this.publish({ topic: 'job.progress', payload: job }));
    this.models = new ModelStore({
      manifest: parseManifest(manifestJson, 'models/manifest.json'),
      modelsDir: options.modelsDir ?? join(options.dataDir, 'models'),
      mirror: options.modelMirror,
      fetch: options.fetch,
    });
    this.providerChoice = chooseExecutionProvider({
      platform: platform(),
      arch: arch(),
      ortBackends: this.ort.backends,
      exists: existsSync,
      ortBinDir: this.ort.binDir,
      forced: process.env.STUDIO_EXECUTION_PROVIDER,
    });
    this.sessions = new SessionPool({ providers: this.providerChoice.selected ? [this.providerChoice.selected] : [] });
  }

  static async start(options: EngineOptions): Promise<Engine> {
    await mkdir(options.dataDir, { recursive: true });
    return new Engine(options, await probeOnnxRuntime());
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  info(): AppInfo {
    const choice = this.providerChoice;
    const problems: string[] = [];
    if (this.ort.loadError) problems.push(`ONNX Runtime failed to load: ${this.ort.loadError}`);
    return {
      name: pkg.productName,
      version: pkg.version,
      host: this.options.host,
      platform: { os: platform(), arch: arch(), release: release(), cpus: cpus().length },
      runtime: { node: process.versions.node, electron: this.options.electronVersion ?? null },
      dataDir: this.options.dataDir,
      modelsDir: this.models.modelsDir,
      engine: { status: problems.length ? 'degraded' : 'ready', problems },
      inference: {
        onnxRuntimeVersion: this.ort.version,
        providers: choice.providers,
        selected: choice.selected,
        reason: choice.reason,
        fallbacks: [...this.sessions.fallbacks],
      },
    };
  }

  startDiskCheck(megabytes: number): Job {
    return this.jobs.submit(
      { kind: 'diagnostics.disk-check', label: `Data folder check (${megabytes} MB)`, unit: 'MB', total: megabytes * 2 },
      (ctx) => diskCheck(this.options.dataDir, megabytes, ctx),
    );
  }

  listModels(): ModelStatus[] {
    return this.models.list();
  }

  startModelDownload(id: string): Job {
    const model = this.models.entry(id);
    // Asking again while a download of the same model runs returns that job instead of starting a second one.
    const current = this.downloads.get(id);
    if (current) {
      const job = this.jobs.list().find((j) => j.id === current);
      if (job && !isFinished(job.state)) return job;
    }
    const job = this.jobs.submit({ kind: 'models.download', label: `Downloading ${model.title}`, unit: 'MB' }, (ctx) => this.models.download(id, ctx));
    this.downloads.set(id, job.id);
    return job;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.jobs.shutdown();
    await this.sessions.release();
    this.listeners.clear();
  }

  private publish(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
