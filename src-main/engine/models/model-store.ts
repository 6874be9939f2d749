import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, type ModelStatus } from '@contract';
import type { JobContext } from '../jobs/runner';
import { downloadFile, type DownloadResult } from './downloader';
import { fileUrl, type Manifest, type ModelEntry } from './manifest';

export interface ModelStoreOptions {
  manifest: Manifest;
  /** Where models live: <modelsDir>/<model id>/… */
  modelsDir: string;
  /** Base URL serving files in the Hugging Face layout; defaults to the manifest's. */
  mirror?: string | undefined;
  fetch?: typeof fetch;
}

const VERIFIED_FILE = '.studio-verified.json';
type VerifiedRecord = Record<string, Pick<DownloadResult, 'bytes' | 'sha256' | 'verifiedAgainst'>>;

/** Knows which models exist, where each lives, what is missing, and downloads what is missing. */
export class ModelStore {
  readonly mirror: string;

  constructor(private readonly options: ModelStoreOptions) {
    this.mirror = options.mirror ?? options.manifest.defaultMirror;
  }

  get modelsDir(): string {
    return this.options.modelsDir;
  }

  entry(id: string): ModelEntry {
    const model = this.options.manifest.models.find((m) => m.id === id);
    if (!model) throw new AppError('NOT_FOUND', `No model “${id}” in the manifest.`, { id, known: this.options.manifest.models.map((m) => m.id) });
    return model;
  }

  dirOf(id: string): string {
    return join(this.options.modelsDir, this.entry(id).id);
  }

  status(id: string): ModelStatus {
    const model = this.entry(id);
    const dir = this.dirOf(id);
    const missing = model.files.filter((f) => !f.optional && !existsSync(join(dir, f.path))).map((f) => f.path);
    return {
      id: model.id,
      task: model.task,
      title: model.title,
      description: model.description,
      licence: model.licence,
      source: model.source,
      default: model.default,
      dir,
      installed: missing.length === 0,
      missing,
      approxBytes: model.files.reduce((sum, f) => sum + (f.bytes ?? f.approxBytes), 0),
      downloadable: model.download !== null,
      exportCommand: model.export?.replace('<models-dir>', this.options.modelsDir) ?? null,
    };
  }

  list(): ModelStatus[] {
    return this.options.manifest.models.map((m) => this.status(m.id));
  }

  /** The folder of an installed model, or a MODEL_MISSING error that says how to get it. */
  require(id: string): string {
    const status = this.status(id);
    if (status.installed) return status.dir;
    const how = status.downloadable
      ? 'Download it in Settings → Models (or `npm run cli -- models download ' + id + '`).'
      : `Export it with: ${status.exportCommand}`;
    throw new AppError('MODEL_MISSING', `${status.title} is not installed in ${status.dir} (missing ${status.missing.join(', ')}). ${how}`, {
      id,
      missing: status.missing,
    });
  }

  /** Downloads every missing file of a model; progress counts megabytes over all of them. */
  async download(id: string, ctx: JobContext): Promise<{ files: number; bytes: number }> {
    const model = this.entry(id);
    if (!model.download) {
      throw new AppError('UNAVAILABLE', `${model.title} has no published ONNX download. ${this.status(id).exportCommand ?? ''}`.trim());
    }
    const dir = this.dirOf(id);
    const todo = model.files.filter((f) => !existsSync(join(dir, f.path)));
    const plannedMB = todo.reduce((sum, f) => sum + (f.bytes ?? f.approxBytes), 0) / 1e6;
    const verified: VerifiedRecord = await readVerified(dir);
    let doneBefore = 0;
    let bytes = 0;
    ctx.progress(0, round(plannedMB));
    for (const file of todo) {
      ctx.throwIfCancelled();
      const result = await downloadFile(
        { url: fileUrl(this.mirror, model, file)!, dest: join(dir, file.path), sha256: file.sha256, bytes: file.bytes },
        { signal: ctx.signal, fetch: this.options.fetch, onProgress: (done) => ctx.progress(round(doneBefore + done / 1e6)) },
      );
      doneBefore += result.bytes / 1e6;
      bytes += result.bytes;
      verified[file.path] = { bytes: result.bytes, sha256: result.sha256, verifiedAgainst: result.verifiedAgainst };
      await writeFile(join(dir, VERIFIED_FILE), JSON.stringify(verified, null, 2));
    }
    ctx.progress(round(doneBefore), round(doneBefore));
    return { files: todo.length, bytes };
  }
}

async function readVerified(dir: string): Promise<VerifiedRecord> {
  try {
    return JSON.parse(await readFile(join(dir, VERIFIED_FILE), 'utf8'));
  } catch {
    return {};
  }
}

function round(mb: number): number {
  return Math.round(mb * 10) / 10;
}
