import { z } from 'zod';
import { UploadIdSchema } from './ids';
import { LibraryItemSchema } from './library';

export const ConceptNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}_-]{1,40}$/u, 'a name is one word of letters, digits, _ or - (used as *name)');

export const ConceptSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  parent: z.string(),
  /** The CLIP model the token was learned for (it only works with that model's text encoder). */
  model: z.string(),
  /** The attribute words nearest to the token: its explanation. */
  attributes: z.array(z.object({ word: z.string(), similarity: z.number() })),
  /** Thumbnails (URLs) of the photos it was taught with. */
  photos: z.array(z.string()),
  stats: z.object({
    generations: z.number().int(),
    evaluations: z.number().int(),
    textsEncoded: z.number().int(),
    loss: z.number(),
    accuracy: z.number(),
    seconds: z.number(),
    negatives: z.number().int(),
    /** Of the negatives, how many were generated. */
    generatedNegatives: z.number().int().default(0),
    dimensions: z.number().int(),
  }),
  /** Which text encoders have a token: the search CLIP always; the Stable Diffusion encoder needs its own (see README). */
  tokens: z.object({ clip: z.boolean(), stableDiffusion: z.boolean() }),
  createdAt: z.number(),
});
export type Concept = z.infer<typeof ConceptSchema>;

export const TeachRequestSchema = z
  .object({
    name: ConceptNameSchema,
    parent: z.string().trim().toLowerCase().min(1).max(40),
    /** 3–5 photos: library items or dropped files. */
    photos: z.array(z.union([z.object({ itemId: z.number().int() }).strict(), z.object({ uploadId: UploadIdSchema }).strict()])).min(1).max(12),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    /** Also generate parent-class negatives ("image of a <parent>") with the text-to-image model, as the paper does. */
    generateNegatives: z.boolean().default(false),
  })
  .strict();
export type TeachRequest = z.input<typeof TeachRequestSchema>;

/** Retrain a concept with its stored photos and these new ones (up to 8 in all); the old token stays until it finishes. */
export const AddPhotosRequestSchema = z
  .object({
    id: z.number().int(),
    photos: TeachRequestSchema.shape.photos.max(5),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  })
  .strict();
export type AddPhotosRequest = z.input<typeof AddPhotosRequestSchema>;

export const TeachProgressSchema = z.object({
  jobId: z.string(),
  generation: z.number().int(),
  bestLoss: z.number(),
  accuracy: z.number(),
  /** Best loss per generation so far, for the curve. */
  curve: z.array(z.number()),
  /** The library photos the current best token finds first. */
  matches: z.array(LibraryItemSchema),
});
export type TeachProgress = z.infer<typeof TeachProgressSchema>;

/** A concept as a small file to share: the token and what it needs. */
export const ConceptFileSchema = z.object({
  format: z.literal('compose-studio.concept'),
  version: z.literal(1),
  name: z.string(),
  parent: z.string(),
  model: z.string(),
  basisId: z.string(),
  z: z.array(z.number()),
  /** Base64 float32 token embedding. */
  embedding: z.string(),
  attributes: z.array(z.object({ word: z.string(), similarity: z.number() })),
  stats: ConceptSchema.shape.stats,
});
export type ConceptFile = z.infer<typeof ConceptFileSchema>;
