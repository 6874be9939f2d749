import { z } from 'zod';
import { UploadIdSchema } from './ids';
import { NeighbourRefSchema, SCHEDULER_NAMES, TurnTimingsSchema } from './edit';

export const GROUNDED_MODES = ['create', 'edit'] as const;
export const NEIGHBOUR_MIXES = ['mean', 'turns'] as const;

/** The knobs of a grounded turn (Re-Imagen's interleaved guidance on the instruction-edit model). */
export const GroundedParamsSchema = z
  .object({
    steps: z.number().int().min(1).max(150).default(20),
    /** γ: guidance strength of each step. */
    guidance: z.number().min(0).max(30).default(7.5),
    /** η: fraction of text-enhanced steps (0: the neighbours dominate; 1: the text does). */
    eta: z.number().min(0).max(1).default(0.5),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    /** DDIM by default: its result weighs every step, where multistep samplers follow the last ones. */
    scheduler: z.enum(SCHEDULER_NAMES).default('ddim'),
    /** How several neighbours condition: one per step in turn (default: measured closer to the neighbours, docs/grounded-generation.md) or their mean latent. */
    mix: z.enum(NEIGHBOUR_MIXES).default('turns'),
    /** How many neighbours "auto" retrieves. */
    k: z.number().int().min(1).max(8).default(3),
    /** Canvas size when creating. */
    width: z.number().int().min(64).max(1024).default(512),
    height: z.number().int().min(64).max(1024).default(512),
  })
  .strict();
export type GroundedParams = z.output<typeof GroundedParamsSchema>;

/** A grounded turn's recipe: everything needed to replay it bit for bit, neighbours by content hash. */
export const GroundedRecipeSchema = z.object({
  format: z.literal('compose-studio.grounded-recipe'),
  version: z.literal(1),
  createdAt: z.string(),
  provider: z.string(),
  modelId: z.string(),
  mode: z.enum(GROUNDED_MODES),
  prompt: z.string(),
  negative: z.string(),
  params: GroundedParamsSchema,
  /** The interleaved schedule, one letter a step: T text-enhanced, N neighbour-enhanced. */
  schedule: z.string().regex(/^[TN]+$/),
  neighbours: z.array(NeighbourRefSchema).min(1),
  /** The picture edited (edit mode). */
  source: z.object({ width: z.number().int(), height: z.number().int(), sha256: z.string(), png: z.string() }).nullable(),
  resultSha256: z.string(),
  timings: TurnTimingsSchema.optional(),
});
export type GroundedRecipe = z.infer<typeof GroundedRecipeSchema>;

const UploadId = UploadIdSchema;

/** A neighbour the user chose: a library item (pinned), a dropped picture (an upload) with its file name, or one known by content. */
export const NeighbourInputSchema = z.union([
  z.object({ itemId: z.number().int() }).strict(),
  z.object({ uploadId: UploadId, name: z.string().max(300).optional() }).strict(),
  /** A neighbour known by content (a concept's photo): found among dropped files, the library and concept photos. */
  z.object({ sha256: UploadId, name: z.string().max(300) }).strict(),
]);
export type NeighbourInput = z.infer<typeof NeighbourInputSchema>;

/** A neighbour as the strip shows it. */
export const NeighbourViewSchema = z.object({
  source: z.enum(['concept', 'library', 'file']),
  name: z.string(),
  itemId: z.number().int().nullable(),
  sha256: z.string().nullable(),
  /** A thumbnail URL (library and concept photos). */
  thumb: z.string().nullable(),
  concept: z.string().optional(),
});
export type NeighbourView = z.infer<typeof NeighbourViewSchema>;

export const NeighboursQuerySchema = z.object({ prompt: z.string().trim().min(1).max(1000), k: z.number().int().min(1).max(8).default(3) }).strict();
export const NeighboursResultSchema = z.object({ neighbours: z.array(NeighbourViewSchema), note: z.string().nullable() });

/** A grounded turn in an edit project: create from neighbours (new canvas) or edit the turn's picture grounded in them. */
export const GroundedTurnSchema = z
  .object({
    projectId: z.number().int(),
    fromTurnId: z.number().int().optional(),
    mode: z.enum(GROUNDED_MODES),
    prompt: z.string().trim().min(1).max(1000),
    negative: z.string().trim().max(1000).default(''),
    neighbours: z.union([z.literal('auto'), z.array(NeighbourInputSchema).min(1).max(8)]),
    params: GroundedParamsSchema.default(GroundedParamsSchema.parse({})),
  })
  .strict();
export type GroundedTurn = z.input<typeof GroundedTurnSchema>;

/**
 * Which steps are text-enhanced, for η and a step count: exactly round(η·steps) of them, spread evenly by Bresenham's
 * line rule counted back from the last step (with j = steps−1−i steps still to come, step i is text-enhanced when
 * ⌊(j+1)·k/n⌋ > ⌊j·k/n⌋ for k text steps of n). Deterministic: the same (η, steps) always gives the same schedule, so a
 * recipe records it and a replay checks it. Counting from the end makes the schedules nest where it matters most: the
 * last text-enhanced step (the last steps weigh most in a sampler's result) only moves later as η grows, so the result
 * moves monotonically towards the text; the first step is text-enhanced whenever any is. (Here, in the contract, so
 * the Edit area draws the same schedule the engine runs.)
 */
export function interleavedSchedule(eta: number, steps: number): ('text' | 'neighbour')[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, not ${steps}`);
  if (!(eta >= 0 && eta <= 1)) throw new RangeError(`η must be between 0 and 1, not ${eta}`);
  const k = Math.round(eta * steps);
  const line = (j: number) => Math.floor((j * k) / steps);
  return Array.from({ length: steps }, (_, i) => {
    const j = steps - 1 - i;
    return line(j + 1) > line(j) ? 'text' : 'neighbour';
  });
}
