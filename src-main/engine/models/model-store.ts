import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../storage/atomic-write';
import { join } from 'node:path';
import { AppError, type ModelCheck, type ModelStatus } from '@contract';
import type { JobContext } from '../jobs/runner';
import { downloadFile, type DownloadResult } from './downloader';
import { checkMirrorUrl } from './host-hash';
import { fileUrl, filesOf, variantsOf, type Manifest, type ModelEntry, type ModelFile, type Precision } from './manifest';
import { chooseMember, chooseVariant } from './variants';
import { readJsonSync } from './json-file';

export interface ModelStoreOptions {
  manifest: Manifest;
  /** Where models live: <modelsDir>/<model id>/… */
  modelsDir: string;
  /** Base URL serving files in the Hugging Face layout; defaults to the manifest's. */
  mirror?: string | undefined;
  /** Plain-http mirrors other than loopback are refused unless this is set (--allow-insecure-mirror). */
  allowInsecureMirror?: boolean;
  fetch?: typeof fetch;
  /** The execution provider in use ('cuda', 'cpu', …): it decides the automatic variant. */
  provider?: () => string;
  /** The user's variant per model id, where set. */
  variantChoice?: (id: string) => Precision | null;
}

const VERIFIED_FILE = '.studio-verified.json';
const CHECK_FILE = '.studio-check.json';
/** What each downloaded file was verified against; `absent`: an optional file the host does not have. */
type VerifiedRecord = Record<string, Pick<DownloadResult, 'bytes' | 'sha256' | 'verifiedAgainst'> & { absent?: boolean }>;

/** Knows which models exist, where each lives, which variant is in use, what is missing, and downloads what is missing. */
export class ModelStore {
  readonly mirror: string;

  constructor(private readonly options: ModelStoreOptions) {
    this.mirror = options.mirror ?? options.manifest.defaultMirror;
  }

  get modelsDir(): string {
    return this.options.modelsDir;
  }

  get provider(): string {
    return this.options.provider?.() ?? 'cpu';
  }

  /** A manifest entry by id; a library key such as `clip-vit-b32@int8` names its model too. */
  entry(id: string): ModelEntry {
    const bare = id.split('@')[0]!;
    const model = this.options.manifest.models.find((m) => m.id === bare);
    if (!model) throw new AppError('NOT_FOUND', `No model “${id}” in the manifest.`, { id, known: this.options.manifest.models.map((m) => m.id) });
    return model;
  }

  dirOf(id: string): string {
    return join(this.options.modelsDir, this.entry(id).id);
  }

  private fileInstalled(model: ModelEntry, file: ModelFile): boolean {
    return existsSync(join(this.options.modelsDir, model.id, file.path));
  }

  /**
   * Files a variant still lacks. Optional files (external weights, merges.txt, scheduler config…) are not needed in a
   * folder exported or copied by hand, whose layout varies; in a folder the studio downloads they count until fetched
   * (or found absent on the host), so an interrupted download never looks installed.
   */
  private missingFiles(model: ModelEntry, variant: Precision): ModelFile[] {
    const verified = readJsonSync<VerifiedRecord>(join(this.options.modelsDir, model.id, VERIFIED_FILE));
    return filesOf(model, variant).filter((f) => !this.fileInstalled(model, f) && (!f.optional || (verified !== null && !verified[f.path]?.absent)));
  }

  private variantInstalled(model: ModelEntry, variant: Precision): boolean {
    return this.missingFiles(model, variant).length === 0;
  }

  /** The variant in use: a key's `@variant`, else the user's choice, else what suits the provider among what is on disk. */
  variantOf(id: string): Precision {
    const model = this.entry(id);
    const named = id.split('@')[1] as Precision | undefined;
    if (named && variantsOf(model).includes(named)) return named;
    return chooseVariant(model, () => this.provider, this.options.variantChoice?.(model.id) ?? null, (v) => this.variantInstalled(model, v));
  }

  /** The key the library stores vectors under: the id, with `@variant` unless it is the fp32 (or only) variant. */
  libraryKey(id: string): string {
    const model = this.entry(id);
    // Nothing on disk: the plain id whatever variant would be chosen (so the provider, and ONNX Runtime, are not needed).
    if (!variantsOf(model).some((v) => this.variantInstalled(model, v))) return model.id;
    const variant = this.variantOf(id);
    const plain = variant === 'fp32' || variantsOf(model).length === 1 || !this.variantInstalled(model, variant);
    return plain ? model.id : `${model.id}@${variant}`;
  }

  /** A library key with its variant spelled out: a bare id stands for the fp32 (or only) variant. */
  keyed(key: string): string {
    if (key.includes('@')) return key;
    const variants = variantsOf(this.entry(key));
    return `${this.entry(key).id}@${variants.includes('fp32') ? 'fp32' : variants[0]!}`;
  }

  /** Paths of the model files of a role (vision, text, unet…) in the variant in use. */
  fileFor(id: string, role: string): string | null {
    const model = this.entry(id);
    const file = filesOf(model, this.variantOf(id)).find((f) => f.role === role);
    return file ? join(this.dirOf(id), file.path) : null;
  }

  /**
   * Among a model and the entries that are its variants from other repositories (e.g. the fp32 export of an fp16 model),
   * the one in use: the user's choice of precision, else the most suitable installed one.
   */
  resolve(id: string): string {
    const head = this.entry(id);
    const members = [head, ...this.options.manifest.models.filter((m) => m.variantOf === head.id)];
    if (members.length === 1) return head.id;
    return chooseMember(members, this.provider, this.options.variantChoice?.(head.id) ?? null, (m) => this.variantInstalled(this.entry(m), this.variantOf(m))).id;
  }

  status(id: string): ModelStatus {
    const model = this.entry(id);
    const dir = this.dirOf(id);
    const variant = this.variantOf(id);
    const files = filesOf(model, variant);
    const verified = readJsonSync<VerifiedRecord>(join(dir, VERIFIED_FILE)) ?? {};
    const missing = this.missingFiles(model, variant).map((f) => f.path);
    const fileStatus = files.map((f) => ({
      path: f.path,
      role: f.role,
      approxBytes: f.bytes ?? f.approxBytes,
      variants: f.variants ?? null,
      hash: f.sha256 ? ('pinned' as const) : ('host-verified' as const),
      installed: this.fileInstalled(model, f),
      verifiedAgainst: verified[f.path]?.verifiedAgainst ?? null,
    }));
    const present = fileStatus.filter((f) => f.installed);
    const installed = missing.length === 0;
    const verification = !installed
      ? null
      : present.some((f) => f.verifiedAgainst === null || f.verifiedAgainst === 'none')
        ? ('none' as const)
        : present.some((f) => f.verifiedAgainst === 'host')
          ? ('host' as const)
          : ('manifest' as const);
    return {
      id: model.id,
      task: model.task,
      title: model.title,
      description: model.description,
      licence: model.licence,
      source: model.source,
      default: model.default,
      dir,
      installed,
      missing,
      approxBytes: files.reduce((sum, f) => sum + (f.bytes ?? f.approxBytes), 0),
      downloadable: model.download !== null,
      exportCommand: model.export?.replace('<models-dir>', this.options.modelsDir) ?? null,
      pinnedTo: model.download,
      unpinnedReason: model.unpinned?.reason ?? null,
      variants: variantsOf(model).map((name) => ({
        name,
        approxBytes: filesOf(model, name).reduce((sum, f) => sum + (f.bytes ?? f.approxBytes), 0),
        installed: this.variantInstalled(model, name),
      })),
      variant,
      variantSetting: this.options.variantChoice?.(model.id) ?? null,
      variantOf: model.variantOf ?? null,
      inUse: this.options.manifest.models.some((m) => m.variantOf === model.id) ? this.resolve(model.id) : null,
      files: fileStatus,
      verification,
      check: readJsonSync<ModelCheck>(join(dir, CHECK_FILE)),
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
      ? `Download it in Settings → Models (or \`npm run cli -- models download ${status.id}\`).`
      : `Export it with: ${status.exportCommand}`;
    throw new AppError('MODEL_MISSING', `${status.title} is not installed in ${status.dir} (${status.variant} variant; missing ${status.missing.join(', ')}). ${how}`, {
      id,
      missing: status.missing,
    });
  }

  /** Stores what `models check` found, shown in Settings → Models. */
  async saveCheck(id: string, check: ModelCheck): Promise<void> {
    await writeFileAtomic(join(this.dirOf(id), CHECK_FILE), `${JSON.stringify(check, null, 2)}\n`);
  }

  /** Downloads every missing file of a model's variant (the one in use unless named); progress counts megabytes. */
  async download(id: string, ctx: JobContext, requested?: Precision): Promise<{ files: number; bytes: number; variant: Precision }> {
    const model = this.entry(id);
    if (!model.download) {
      const why = model.unpinned ? ` ${model.unpinned.reason}` : '';
      throw new AppError('UNAVAILABLE', `${model.title} has no pinned ONNX download.${why} ${this.status(id).exportCommand ?? ''}`.trim());
    }
    checkMirrorUrl(this.mirror, this.options.allowInsecureMirror ?? false);
    if (requested && !variantsOf(model).includes(requested)) {
      throw new AppError('INVALID_PARAMS', `${model.title} comes in ${variantsOf(model).join(', ')}, not ${requested}.`);
    }
    const variant = requested ?? this.options.variantChoice?.(model.id) ?? chooseVariant(model, this.provider, null, () => false);
    const dir = this.dirOf(id);
    const known = (await readJson<VerifiedRecord>(join(dir, VERIFIED_FILE))) ?? {};
    const todo = filesOf(model, variant).filter((f) => !existsSync(join(dir, f.path)) && !known[f.path]?.absent);
    const plannedMB = todo.reduce((sum, f) => sum + (f.bytes ?? f.approxBytes), 0) / 1e6;
    const verified: VerifiedRecord = (await readJson<VerifiedRecord>(join(dir, VERIFIED_FILE))) ?? {};
    let doneBefore = 0;
    let bytes = 0;
    ctx.progress(0, round(plannedMB));
    for (const file of todo) {
      ctx.throwIfCancelled();
      try {
        const result = await downloadFile(
          { url: fileUrl(this.mirror, model, file)!, dest: join(dir, file.path), sha256: file.sha256, bytes: file.bytes, revision: model.download.revision },
          { signal: ctx.signal, fetch: this.options.fetch, onProgress: (done) => ctx.progress(round(doneBefore + done / 1e6)) },
        );
        doneBefore += result.bytes / 1e6;
        bytes += result.bytes;
        verified[file.path] = { bytes: result.bytes, sha256: result.sha256, verifiedAgainst: result.verifiedAgainst };
        await writeFileAtomic(join(dir, VERIFIED_FILE), JSON.stringify(verified, null, 2));
      } catch (error) {
        // An optional file (e.g. a scheduler config some exports lack) may be absent from the host.
        if (file.optional && error instanceof AppError && (error.details as { status?: number } | undefined)?.status === 404) {
          verified[file.path] = { bytes: 0, sha256: '', verifiedAgainst: 'none', absent: true };
          await writeFileAtomic(join(dir, VERIFIED_FILE), JSON.stringify(verified, null, 2));
          continue;
        }
        throw error;
      }
    }
    ctx.progress(round(doneBefore), round(doneBefore));
    return { files: todo.length, bytes, variant };
  }
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

function round(mb: number): number {
  return Math.round(mb * 10) / 10;
}
