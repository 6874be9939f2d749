import { z } from 'zod';
import { UploadIdSchema } from './ids';
import { FiltersSchema, SearchResultSchema } from './library';

/** How the reference image and the texts become one query vector (see docs/composed-search.md). */
export const COMPOSERS = ['sum', 'combiner', 'gated', 'compodiff'] as const;
export const ComposerIdSchema = z.enum(COMPOSERS);
export type ComposerId = z.infer<typeof ComposerIdSchema>;

const UploadId = UploadIdSchema;

export const ComposeWeightsSchema = z
  .object({
    /** w_I: more stays with the reference. */
    image: z.number().min(0).max(20),
    /** w_T: more follows the texts. */
    text: z.number().min(0).max(20),
    /** How strongly the negative text pushes away (ignored by compodiff, which uses the negative as its null condition). */
    negative: z.number().min(0).max(5).default(1),
  })
  .strict();
export type ComposeWeights = z.output<typeof ComposeWeightsSchema>;

export const ReferenceSchema = z.union([z.object({ itemId: z.number().int() }).strict(), z.object({ uploadId: UploadId }).strict()]);
export type Reference = z.infer<typeof ReferenceSchema>;

export const ComposedQuerySchema = z
  .object({
    /** The image to start from: a library item or a dropped file. Omitted for a text-only query. */
    reference: ReferenceSchema.nullable().default(null),
    /** A mask PNG (upload id; white = the region that may change) over the reference. */
    regionUploadId: UploadId.nullable().default(null),
    /** Modification texts, applied in order. */
    conditions: z.array(z.string().trim().min(1).max(500)).max(8).default([]),
    /** Text the results should not look like. */
    negative: z.string().trim().max(500).default(''),
    /** Omitted: the composer's defaults. */
    weights: ComposeWeightsSchema.optional(),
    /** Omitted: the composer chosen in Settings. */
    composer: ComposerIdSchema.optional(),
    /** compodiff: denoising steps (fewer is faster, coarser) and the noise seed. */
    steps: z.number().int().min(1).max(100).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    /** GAIR weight for texts that name a concept (*name). */
    gairW: z.number().min(0).max(1).optional(),
    /** Leave the reference itself out of the results (as CIR benchmarks do). */
    excludeReference: z.boolean().default(true),
    filters: FiltersSchema.optional(),
    limit: z.number().int().min(1).max(500).default(60),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type ComposedQuery = z.input<typeof ComposedQuerySchema>;
export type ComposedQueryParsed = z.output<typeof ComposedQuerySchema>;

export const ComposedResultSchema = SearchResultSchema.extend({
  composer: ComposerIdSchema,
  weights: ComposeWeightsSchema,
  /** Encoder calls this query needed; 0 when every condition came from the cache (a slider move). */
  encoded: z.object({ texts: z.number().int(), images: z.number().int() }),
  timings: z.object({ encodeMs: z.number(), composeMs: z.number(), searchMs: z.number(), totalMs: z.number() }),
});
export type ComposedResult = z.infer<typeof ComposedResultSchema>;

export const ComposerInfoSchema = z.object({
  id: ComposerIdSchema,
  title: z.string(),
  description: z.string(),
  /** Whether it can run now (its model is installed and fits the library's CLIP model). */
  available: z.boolean(),
  /** Why not, and how to get it. */
  reason: z.string().nullable(),
  defaults: z.object({ weights: ComposeWeightsSchema, steps: z.number().int().nullable() }),
});
export type ComposerInfo = z.infer<typeof ComposerInfoSchema>;

export const SavedQuerySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  query: ComposedQuerySchema,
  createdAt: z.number(),
});
export type SavedQuery = z.infer<typeof SavedQuerySchema>;
