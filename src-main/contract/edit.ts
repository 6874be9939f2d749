import { z } from 'zod';
import { CONTENT_HASH, UploadIdSchema } from './ids';

const UploadId = UploadIdSchema;

export const SCHEDULER_NAMES = ['ddim', 'euler-ancestral', 'dpmpp-2m'] as const;

/** Pictures are edited at most this large (longest side), rounded to multiples of 64 as SD 1.x needs. */
export const MAX_SIDE = 768;

/** The size a picture is edited at: its aspect, longest side ≤ MAX_SIDE, both sides multiples of 64. */
export function workingSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const round = (v: number) => Math.max(64, Math.round((v * scale) / 64) * 64);
  return { width: round(width), height: round(height) };
}

/** The knobs of one turn. */
export const TurnParamsSchema = z
  .object({
    steps: z.number().int().min(1).max(150).default(20),
    /** s_T: follow the instruction. */
    textGuidance: z.number().min(0).max(30).default(7.5),
    /** s_I: stay with the picture (instruction edits). */
    imageGuidance: z.number().min(0).max(10).default(1.5),
    /** How much a masked region is re-imagined (1 = completely). */
    strength: z.number().min(0.05).max(1).default(1),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    scheduler: z.enum(SCHEDULER_NAMES).default('euler-ancestral'),
    /** Softening of the mask's edge, inside the mask, in pixels. */
    feather: z.number().min(0).max(64).default(4),
  })
  .strict();
export type TurnParams = z.output<typeof TurnParamsSchema>;

export const PIPELINES = ['source', 'instruct', 'inpaint', 'text2img', 'grounded-create', 'grounded-edit', 'crop'] as const;

/**
 * A crop turn's box, in pixels of the full-resolution picture it cut (`of`: that picture's size). Exports cut exactly
 * this box from the full-size render; the working-size picture is the same box scaled (so a recipe replays it).
 */
export const CropBoxSchema = z.object({
  left: z.number().int().min(0),
  top: z.number().int().min(0),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  of: z.object({ width: z.number().int().min(1), height: z.number().int().min(1) }),
});
export type CropBox = z.infer<typeof CropBoxSchema>;

/** What the crop tool asks: a box as fractions (0…1) of the current picture. */
export const CropRequestSchema = z
  .object({
    projectId: z.number().int(),
    /** The turn to crop (default: the cursor). */
    fromTurnId: z.number().int().optional(),
    box: z
      .object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1), width: z.number().gt(0).max(1), height: z.number().gt(0).max(1) })
      .strict()
      .refine((b) => b.x + b.width <= 1 + 1e-6 && b.y + b.height <= 1 + 1e-6, 'The crop box must lie inside the picture.'),
  })
  .strict();
export type CropRequest = z.input<typeof CropRequestSchema>;
export const PipelineSchema = z.enum(PIPELINES);

export const TurnTimingsSchema = z.object({
  textMs: z.number(),
  unetMs: z.number(),
  schedulerMs: z.number(),
  vaeMs: z.number(),
  overheadMs: z.number(),
  totalMs: z.number(),
  steps: z.number().int(),
});

export const NeighbourRefSchema = z.object({
  source: z.enum(['concept', 'library', 'file']),
  name: z.string(),
  /** Content hash: a replay finds the neighbour by it (dropped files, library, concept photos). */
  sha256: z.string().regex(CONTENT_HASH),
  path: z.string(),
});
export type NeighbourRef = z.infer<typeof NeighbourRefSchema>;

/** What a grounded turn (create from / edit grounded in neighbours) used: its η, γ, schedule and neighbours. */
export const TurnGroundingSchema = z.object({
  eta: z.number(),
  guidance: z.number(),
  mix: z.enum(['mean', 'turns']),
  /** One letter a step: T text-enhanced, N neighbour-enhanced. */
  schedule: z.string(),
  neighbours: z.array(NeighbourRefSchema),
});
export type TurnGrounding = z.infer<typeof TurnGroundingSchema>;

export const TurnSchema = z.object({
  id: z.number().int(),
  parentId: z.number().int().nullable(),
  label: z.string().nullable(),
  pipeline: PipelineSchema,
  /** What the model was told (concept names described in words). */
  instruction: z.string(),
  /** What the user typed (shown in the history). */
  typed: z.string(),
  negative: z.string(),
  params: TurnParamsSchema.nullable(),
  modelId: z.string().nullable(),
  provider: z.string().nullable(),
  /** URLs under /turns/ (the hosts serve them from the project's folder). */
  image: z.string(),
  thumb: z.string(),
  mask: z.string().nullable(),
  timings: TurnTimingsSchema.nullable(),
  /** Grounded turns only. */
  grounding: TurnGroundingSchema.nullable().default(null),
  /** Crop turns only: the box cut at full resolution. */
  crop: CropBoxSchema.nullable().default(null),
  createdAt: z.number(),
});
export type Turn = z.infer<typeof TurnSchema>;

export const ProjectSummarySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  turns: z.number().int(),
  thumb: z.string(),
  updatedAt: z.number(),
});
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>;

export const ProjectViewSchema = ProjectSummarySchema.extend({
  /** A photo project (its turns default to edits) or a blank canvas (its first turn paints from the text). */
  kind: z.enum(['photo', 'canvas']),
  /** The full resolution of the picture the project was made from (exports come back at this size). */
  originalWidth: z.number().int(),
  originalHeight: z.number().int(),
  /** Every turn, parents before children. */
  tree: z.array(TurnSchema),
  cursor: z.number().int(),
  /** Whether undo and redo can move. */
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  /** A turn run with several variations: the new sibling turns, in seed order (the cursor is the first). */
  variations: z.array(z.number().int()).optional(),
});
export type ProjectView = z.infer<typeof ProjectViewSchema>;

export const RunTurnSchema = z
  .object({
    projectId: z.number().int(),
    /** The turn to edit from (default: the cursor). Editing from a turn that has children starts a new branch. */
    fromTurnId: z.number().int().optional(),
    /** auto: an instruction edit, or inpainting when a mask is given and an inpainting model is installed. */
    pipeline: z.enum(['auto', 'text2img']).default('auto'),
    instruction: z.string().trim().min(1).max(1000),
    negative: z.string().trim().max(1000).default(''),
    maskUploadId: UploadId.nullable().default(null),
    params: TurnParamsSchema.default(TurnParamsSchema.parse({})),
    /** Several results side by side: seeds seed, seed+1, … as sibling turns of one job. */
    variations: z.number().int().min(1).max(4).default(1),
  })
  .strict();
export type RunTurn = z.input<typeof RunTurnSchema>;

/** Everything needed to replay a chain of turns to the same pixels (same model files, same execution provider). */
export const RecipeSchema = z.object({
  format: z.literal('compose-studio.recipe'),
  version: z.literal(1),
  createdAt: z.string(),
  provider: z.string(),
  source: z.object({ width: z.number().int(), height: z.number().int(), sha256: z.string(), png: z.string() }),
  turns: z.array(
    z.object({
      pipeline: z.enum(['instruct', 'inpaint', 'text2img', 'crop']),
      instruction: z.string(),
      negative: z.string(),
      /** Null for a crop turn (no model runs). */
      params: TurnParamsSchema.nullable(),
      /** Crop turns: the box; replay cuts it from the working-size picture exactly as the turn did. */
      crop: CropBoxSchema.nullable().default(null),
      modelId: z.string(),
      /** Base64 PNG. */
      mask: z.string().nullable(),
      /** sha256 of the turn's result, to check a replay against. */
      resultSha256: z.string(),
    }),
  ),
});
export type Recipe = z.infer<typeof RecipeSchema>;

export const EditCapabilitiesSchema = z.object({
  pipelines: z.array(z.object({ pipeline: z.enum(['instruct', 'inpaint', 'text2img']), modelId: z.string(), installed: z.boolean(), reason: z.string().nullable() })),
  provider: z.string(),
  /** Said when the studio edits on the CPU (slow) or fell back to it. */
  note: z.string().nullable(),
});
export type EditCapabilities = z.infer<typeof EditCapabilitiesSchema>;

export const EditStepSchema = z.object({
  jobId: z.string(),
  projectId: z.number().int(),
  step: z.number().int(),
  total: z.number().int(),
  /** A small PNG data URL of the current estimate. */
  preview: z.string(),
});
export type EditStep = z.infer<typeof EditStepSchema>;

export const EXPORT_FORMATS = ['png', 'jpeg', 'webp'] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ExportRequestSchema = z
  .object({
    turnId: z.number().int(),
    format: ExportFormatSchema.default('png'),
    /** JPEG/WebP quality, 1–100. */
    quality: z.number().int().min(1).max(100).default(92),
    /** Scale down so the longest side is at most this; null = the original's full size. */
    maxSide: z.number().int().min(16).max(30000).nullable().default(null),
  })
  .strict();
export type ExportRequest = z.input<typeof ExportRequestSchema>;

export const ExportResultSchema = z.object({
  /** Served under /turns/ until the next export of the project. */
  url: z.string(),
  fileName: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
});
export type ExportResult = z.infer<typeof ExportResultSchema>;

/** Save a turn at full size into a library folder (a root or a folder inside one); the library then indexes it. */
export const SaveToLibraryRequestSchema = z
  .object({
    turnId: z.number().int(),
    folder: z.string().min(1).max(4096),
    format: ExportFormatSchema.default('png'),
    quality: z.number().int().min(1).max(100).default(92),
  })
  .strict();
export type SaveToLibraryRequest = z.input<typeof SaveToLibraryRequestSchema>;

export const SaveToLibraryResultSchema = z.object({ path: z.string(), width: z.number().int(), height: z.number().int(), bytes: z.number().int() });
export type SaveToLibraryResult = z.infer<typeof SaveToLibraryResultSchema>;
