import { arch, cpus, platform, release } from 'node:os';
import type { AppError, AppInfo, JobOf } from '@contract';
import pkg from '../../../package.json';
import { explainIoFailure } from '../config/data-folder';
import { diskCheck } from '../diagnostics/disk-check';
import type { JobRunner } from '../jobs/runner';
import type { Inference } from '../models/execution-providers';
import type { SessionPool } from '../models/session-pool';

export interface AppServiceDeps {
  dataDir: string;
  host: AppInfo['host'];
  electronVersion: string | null;
  /** Why the data folder is open to read only, if it is. */
  readOnlyReason: string | null;
  /** What ONNX Runtime offers and the provider chosen (probed on first call). */
  inference: () => Inference;
  pool: SessionPool;
  jobs: JobRunner;
  modelsDir: () => string;
  settingsProblem: () => string | null;
}

/** The studio itself: version, platform, inference and health (app.info), the data folder and its check. */
export class AppService {
  constructor(private readonly deps: AppServiceDeps) {}

  get dataDir(): string {
    return this.deps.dataDir;
  }

  /** True when the data folder is opened to read only (see EngineOptions.readOnly). */
  get readOnly(): boolean {
    return this.deps.readOnlyReason !== null;
  }

  info(): AppInfo {
    const { pool } = this.deps;
    const { ort, choice: providers } = this.deps.inference();
    const problems: string[] = [];
    if (ort.loadError) problems.push(`ONNX Runtime failed to load: ${ort.loadError}`);
    const settingsProblem = this.deps.settingsProblem();
    if (settingsProblem) problems.push(settingsProblem);
    if (this.deps.readOnlyReason !== null) problems.push(`Read-only: the data folder ${this.deps.dataDir} cannot be written (${this.deps.readOnlyReason}); nothing is saved.`);
    return {
      name: pkg.productName,
      version: pkg.version,
      host: this.deps.host,
      platform: { os: platform(), arch: arch(), release: release(), cpus: cpus().length },
      runtime: { node: process.versions.node, electron: this.deps.electronVersion },
      dataDir: this.deps.dataDir,
      modelsDir: this.deps.modelsDir(),
      engine: { status: problems.length ? 'degraded' : 'ready', problems },
      inference: {
        onnxRuntimeVersion: ort.version,
        providers: providers.providers,
        selected: providers.selected,
        reason: providers.reason,
        fallbacks: [...pool.fallbacks],
        openSessions: pool.size,
      },
      memory: { rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed },
    };
  }

  startDiskCheck(megabytes: number): JobOf<'diagnostics.disk-check'> {
    return this.deps.jobs.submit(
      { kind: 'diagnostics.disk-check', label: `Data folder check (${megabytes} MB)`, unit: 'MB', total: megabytes * 2 },
      (ctx) => diskCheck(this.deps.dataDir, megabytes, ctx),
    );
  }

  /** An exception during a call that is about the disk (full, read-only, no permission), as an AppError naming the folder. */
  explainFailure(error: unknown): AppError | null {
    return explainIoFailure(this.deps.dataDir, error);
  }
}
