import { z } from 'zod';

const ItemId = z.number().int().positive();

/** One group of duplicates resolved: keep one photo, move the others to the system trash. */
export const DuplicateResolutionSchema = z
  .object({
    keep: ItemId,
    trash: z.array(ItemId).min(1).max(1000),
  })
  .strict()
  .refine((g) => !g.trash.includes(g.keep), { message: 'The photo to keep cannot also be moved to the trash.', path: ['trash'] });
export type DuplicateResolution = z.infer<typeof DuplicateResolutionSchema>;

export const ResolveDuplicatesRequestSchema = z.object({ groups: z.array(DuplicateResolutionSchema).min(1).max(10_000) }).strict();
export type ResolveDuplicatesRequest = z.infer<typeof ResolveDuplicatesRequestSchema>;

export const TrashedFileSchema = z.object({ id: z.number().int(), path: z.string() });
/** A file that was not moved (and so not removed from the library), with the reason in words. */
export const TrashFailureSchema = z.object({ id: z.number().int(), path: z.string().nullable(), reason: z.string() });

export const ResolveDuplicatesResultSchema = z.object({
  /** Moved to the system trash and removed from the library. */
  trashed: z.array(TrashedFileSchema),
  /** Left where they were, still in the library. */
  failed: z.array(TrashFailureSchema),
});
export type ResolveDuplicatesResult = z.infer<typeof ResolveDuplicatesResultSchema>;

/** The duplicate-resolving methods (spread into `methods`). */
export const duplicateMethods = {
  'library.duplicates.resolve': {
    params: ResolveDuplicatesRequestSchema,
    result: ResolveDuplicatesResultSchema,
    summary:
      'Per group, keep one photo and move the others to the system trash (never deleted outright), then drop them from the library; says what was trashed and what failed, with reasons.',
  },
} as const;
