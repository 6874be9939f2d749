import { z } from 'zod';

/** An album's name: trimmed, 1–120 characters; unique whatever its case. */
export const AlbumNameSchema = z.string().trim().min(1).max(120);

export const AlbumSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  createdAt: z.number(),
  /** Indexed photos in the album. */
  count: z.number().int(),
  /** The first photo's thumbnail (relative to the thumbnail route), or null for an empty album. */
  cover: z.string().nullable(),
});
export type Album = z.infer<typeof AlbumSchema>;

const AlbumId = z.object({ id: z.number().int() }).strict();
const ItemIds = z.array(z.number().int()).min(1).max(10_000);

/** The album methods (spread into `methods`). */
export const albumMethods = {
  'albums.list': {
    params: z.object({}).strict(),
    result: z.array(AlbumSchema),
    summary: 'Albums by name, with their photo counts and a cover thumbnail.',
  },
  'albums.create': {
    params: z.object({ name: AlbumNameSchema, itemIds: ItemIds.optional() }).strict(),
    result: AlbumSchema,
    summary: 'Make an album (optionally with photos); a name already in use, in any case, is a CONFLICT.',
  },
  'albums.rename': {
    params: z.object({ id: z.number().int(), name: AlbumNameSchema }).strict(),
    result: AlbumSchema,
    summary: 'Rename an album.',
  },
  'albums.delete': {
    params: AlbumId,
    result: z.object({ removed: z.literal(true) }),
    summary: 'Delete an album; its photos stay in the library (and in other albums).',
  },
  'albums.addItems': {
    params: z.object({ id: z.number().int(), itemIds: ItemIds }).strict(),
    result: AlbumSchema,
    summary: 'Add library photos to an album (photos already in it keep their place).',
  },
  'albums.removeItems': {
    params: z.object({ id: z.number().int(), itemIds: ItemIds }).strict(),
    result: AlbumSchema,
    summary: 'Take photos out of an album (they stay in the library).',
  },
  'albums.items': {
    params: AlbumId,
    result: z.array(z.number().int()),
    summary: 'The ids of an album’s indexed photos in album order (e.g. to teach a concept from it).',
  },
} as const;
