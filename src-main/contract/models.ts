import { z } from 'zod';

export const PrecisionSchema = z.enum(['fp32', 'fp16', 'int8']);
export type Precision = z.infer<typeof PrecisionSchema>;

/** How a file's integrity is assured: by a sha256 in the manifest, or by the hash the host publishes at download. */
export const ModelFileStatusSchema = z.object({
  path: z.string(),
  role: z.string(),
  approxBytes: z.number(),
  /** The precisions this file belongs to, or null when every variant needs it. */
  variants: z.array(PrecisionSchema).nullable(),
  hash: z.enum(['pinned', 'host-verified']),
  installed: z.boolean(),
  /** What the download checked it against (null: not downloaded by the studio, e.g. copied into the folder). */
  verifiedAgainst: z.enum(['manifest', 'host', 'none']).nullable(),
});
export type ModelFileStatus = z.infer<typeof ModelFileStatusSchema>;

/** What `models check` found on this machine (stored per model in the models folder). */
export const ModelCheckSchema = z.object({
  at: z.string(),
  variant: PrecisionSchema,
  /** Whether every file's sha256 matched the manifest, so the manifest's quality figures applied. */
  realWeights: z.boolean(),
  ok: z.boolean(),
  /** Hard failures (the model does not load or run, wrong shapes, NaN, tokenizer ids that differ from the reference). */
  failures: z.array(z.string()),
  /** Figures: top-1 accuracy, images/s, s/step, saturation drop… */
  figures: z.record(z.string(), z.number()),
  notes: z.array(z.string()),
});
export type ModelCheck = z.infer<typeof ModelCheckSchema>;

export const ModelStatusSchema = z.object({
  id: z.string(),
  task: z.string(),
  title: z.string(),
  description: z.string(),
  licence: z.string(),
  source: z.string(),
  default: z.boolean(),
  /** Folder the model lives in (or would be downloaded to). */
  dir: z.string(),
  installed: z.boolean(),
  /** Files of the model not present yet (relative paths). */
  missing: z.array(z.string()),
  /** Approximate total size of the variant in use, for display and disk planning. */
  approxBytes: z.number(),
  /** Whether the studio can download it; otherwise `exportCommand` says how to produce it. */
  downloadable: z.boolean(),
  exportCommand: z.string().nullable(),
  /** The repository and full commit downloads are pinned to. */
  pinnedTo: z.object({ repo: z.string(), revision: z.string() }).nullable(),
  /** Why a published export is not offered as a download. */
  unpinnedReason: z.string().nullable(),
  /** The precision variants the model comes in, and whether each is on disk. */
  variants: z.array(z.object({ name: PrecisionSchema, approxBytes: z.number(), installed: z.boolean() })),
  /** The variant in use: the user's choice, else the one that suits the execution provider. */
  variant: PrecisionSchema,
  /** The user's choice of variant, or null for automatic. */
  variantSetting: PrecisionSchema.nullable(),
  /** Another model this one is a precision variant of (fp32 export of an fp16 model, say). */
  variantOf: z.string().nullable(),
  /** For a model with variants from other repositories: which of them runs (this id, or the variant's). */
  inUse: z.string().nullable(),
  /** Files of the variant in use, each with how its hash is assured. */
  files: z.array(ModelFileStatusSchema),
  /** For installed models: every file verified against the manifest, some only against the host, or some never verified. */
  verification: z.enum(['manifest', 'host', 'none']).nullable(),
  /** The last `models check` on this machine, if any. */
  check: ModelCheckSchema.nullable(),
});
export type ModelStatus = z.infer<typeof ModelStatusSchema>;

/** What the first-run guide proposes for this machine. */
export const ModelRecommendationSchema = z.object({
  /** What it was based on. */
  machine: z.object({ provider: z.string(), gpu: z.boolean(), cpus: z.number(), ramBytes: z.number(), freeDiskBytes: z.number().nullable() }),
  items: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      task: z.string(),
      variant: PrecisionSchema,
      approxBytes: z.number(),
      /** Proposed (ticked) or only offered. */
      selected: z.boolean(),
      why: z.string(),
      /** Expected speed on this machine: measured by `models check` where it ran, else an estimate that says so. */
      speed: z.string(),
    }),
  ),
  /** What cannot be proposed and why (e.g. instruction editing needs an export). */
  notes: z.array(z.string()),
});
export type ModelRecommendation = z.infer<typeof ModelRecommendationSchema>;
