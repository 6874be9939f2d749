import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AppError, CONTENT_HASH } from '@contract';

export const MODEL_TASKS = ['clip', 'sd-instruct-edit', 'sd-inpaint', 'sd-text2img', 'sd-lcm', 'composer'] as const;
/** Precisions a model's files come in; the order is the display order. */
export const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];
export const FULL_COMMIT = /^[0-9a-f]{40}$/;

const RelativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'), 'must be a relative path inside the model folder');

export const ModelFileSchema = z.object({
  path: RelativePath,
  role: z.string(),
  /** For display and disk planning; the real size comes from the host or `bytes`. */
  approxBytes: z.number().int().positive(),
  sha256: z.string().regex(CONTENT_HASH).nullable(),
  bytes: z.number().int().positive().nullable(),
  /** Present in some exports only (e.g. external weights of a >2 GB fp32 UNet): not required for "installed". */
  optional: z.boolean().default(false),
  /** The precision variants this file belongs to (e.g. onnx/vision_model_fp16.onnx → fp16); absent: every variant. */
  variants: z.array(z.enum(PRECISIONS)).min(1).optional(),
  /** What is inferred about this file rather than read on the host's pages. */
  note: z.string().optional(),
});

export const ModelEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  task: z.enum(MODEL_TASKS),
  title: z.string(),
  description: z.string(),
  licence: z.string(),
  source: z.url(),
  default: z.boolean(),
  precision: z.enum(PRECISIONS),
  /** Where to download it from (repo and full commit id under the mirror), or null when it must be exported locally. */
  download: z
    .object({ repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/), revision: z.string().regex(FULL_COMMIT, 'must be a full 40-hex commit id (a branch name would follow whatever is uploaded next)') })
    .nullable(),
  /** Why this source was chosen over the others (shown in models/README.md and `models list`). */
  why: z.string().optional(),
  /** A published export that is not offered as a download, and why (e.g. only a short commit id is known). */
  unpinned: z.object({ repo: z.string(), commit: z.string().nullable(), reason: z.string() }).optional(),
  /** Another entry this one is a precision variant of (e.g. the fp32 export of an fp16 model from another repository). */
  variantOf: z.string().optional(),
  /** Figures `models check` holds the model to, only when every file's hash matches the manifest (real weights). */
  expect: z.object({ zeroShotTop1: z.number().min(0).max(1).optional(), saturationDrop: z.number().min(0).max(1).optional() }).optional(),
  /** How to produce it when there is no download. */
  export: z.string().optional(),
  files: z.array(ModelFileSchema).min(1),
});

export const ManifestSchema = z.object({
  $comment: z.string().optional(),
  version: z.literal(1),
  defaultMirror: z.url(),
  models: z.array(ModelEntrySchema).min(1),
});

export type ModelFile = z.infer<typeof ModelFileSchema>;
export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

export function parseManifest(raw: unknown, source = 'manifest'): Manifest {
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('MODEL_MISMATCH', `The model manifest (${source}) is invalid: ${z.prettifyError(parsed.error)}`, { issues: parsed.error.issues });
  }
  const ids = parsed.data.models.map((m) => m.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new AppError('MODEL_MISMATCH', `The model manifest (${source}) lists “${duplicate}” twice.`);
  const orphan = parsed.data.models.find((m) => m.variantOf !== undefined && !ids.includes(m.variantOf));
  if (orphan) throw new AppError('MODEL_MISMATCH', `The model manifest (${source}): “${orphan.id}” is a variant of unknown “${orphan.variantOf}”.`);
  return parsed.data;
}

export async function loadManifest(file: string): Promise<Manifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new AppError('MODEL_MISSING', `Could not read the model manifest ${file}: ${(error as Error).message}`);
  }
  return parseManifest(raw, file);
}

/** The URL of a file under a mirror, in the Hugging Face layout: <mirror>/<repo>/resolve/<revision>/<path>. */
export function fileUrl(mirror: string, model: ModelEntry, file: ModelFile): string | null {
  if (!model.download) return null;
  const base = mirror.replace(/\/+$/, '');
  const path = file.path.split('/').map(encodeURIComponent).join('/');
  return `${base}/${model.download.repo}/resolve/${encodeURIComponent(model.download.revision)}/${path}`;
}

/** The precision variants a model's files come in (fp32 alone for models without variant files). */
export function variantsOf(model: ModelEntry): Precision[] {
  const named = new Set(model.files.flatMap((f) => f.variants ?? []));
  return named.size ? PRECISIONS.filter((p) => named.has(p)) : [model.precision];
}

/** The files a variant needs: the shared ones and those of that precision. */
export function filesOf(model: ModelEntry, variant: Precision): ModelFile[] {
  return model.files.filter((f) => !f.variants || f.variants.includes(variant));
}
