import { z } from 'zod';
import { SCHEDULER_NAMES, TurnTimingsSchema } from './edit';

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

export const NeighbourRefSchema = z.object({
  source: z.enum(['concept', 'library', 'file']),
  name: z.string(),
  /** Content hash: a replay finds the neighbour by it (library, concept photos, or the recorded path). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  path: z.string(),
});
export type NeighbourRef = z.infer<typeof NeighbourRefSchema>;

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
