import { mkdir } from 'node:fs/promises';
import { arch, cpus, platform, release } from 'node:os';
import type { AppInfo, EventName, EventPayload, Job } from '@contract';
import pkg from '../../package.json';
import { diskCheck } from './diagnostics/disk-check';
import { JobRunner } from './jobs/runner';
import { chooseExecutionProvider, probeOnnxRuntime, type OrtProbe } from './models/execution-providers';
import { existsSync } from 'node:fs';

export interface EngineOptions {
  dataDir: string;
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
  private readonly listeners = new Set<EventListener>();

  private constructor(
    readonly options: EngineOptions,
    private readonly ort: OrtProbe,
  ) {
    this.jobs = new JobRunner({ concurrency: options.jobConcurrency ?? 2 });
    this.jobs.onUpdate((job) => this.publish({ topic: 'job.progress', payload: job }));
  }

  static async start(options: EngineOptions): Promise<Engine> {
    await mkdir(options.dataDir, { recursive: true });
    return new Engine(options, await probeOnnxRuntime());
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  info(): AppInfo {
    const choice = chooseExecutionProvider({
      platform: platform(),
      arch: arch(),
      ortBackends: this.ort.backends,
      exists: existsSync,
      ortBinDir: this.ort.binDir,
      forced: process.env.STUDIO_EXECUTION_PROVIDER,
    });
    const problems: string[] = [];
    if (this.ort.loadError) problems.push(`ONNX Runtime failed to load: ${this.ort.loadError}`);
    return {
      name: pkg.productName,
      version: pkg.version,
      host: this.options.host,
      platform: { os: platform(), arch: arch(), release: release(), cpus: cpus().length },
      runtime: { node: process.versions.node, electron: this.options.electronVersion ?? null },
      dataDir: this.options.dataDir,
      engine: { status: problems.length ? 'degraded' : 'ready', problems },
      inference: {
        onnxRuntimeVersion: this.ort.version,
        providers: choice.providers,
        selected: choice.selected,
        reason: choice.reason,
      },
    };
  }

  startDiskCheck(megabytes: number): Job {
    return this.jobs.submit(
      { kind: 'diagnostics.disk-check', label: `Data folder check (${megabytes} MB)`, unit: 'MB', total: megabytes * 2 },
      (ctx) => diskCheck(this.options.dataDir, megabytes, ctx),
    );
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.jobs.shutdown();
    this.listeners.clear();
  }

  private publish(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
