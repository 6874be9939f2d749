import { z } from 'zod';
import { UploadIdSchema } from './ids';

export const RootSchema = z.object({
  id: z.number().int(),
  path: z.string(),
  files: z.number().int(),
  indexed: z.number().int(),
  /** Set when the folder could not be read at the last scan. */
  problem: z.string().nullable(),
});
export type Root = z.infer<typeof RootSchema>;

export const LibraryStatusSchema = z.object({
  roots: z.number().int(),
  files: z.number().int(),
  indexed: z.number().int(),
  pending: z.number().int(),
  /** Indexed files that still need a CLIP embedding for the current model. */
  pendingEmbeddings: z.number().int(),
  embedded: z.number().int(),
  /** willRetry: the cause was outside the file (disk full, permission, I/O); the next refresh tries again. */
  failed: z.array(z.object({ path: z.string(), reason: z.string(), willRetry: z.boolean().optional() })),
  unsupported: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** The CLIP model embeddings are made with, and whether it is installed. */
  model: z.object({ id: z.string(), installed: z.boolean() }),
  /** The model whose vectors answer searches: the chosen one once it has embedded everything, the previous one until then. */
  servingModel: z.string(),
  /** What the last check of the vector index found and did. */
  vectors: z.object({ size: z.number().int(), check: z.string().nullable() }),
});
export type LibraryStatus = z.infer<typeof LibraryStatusSchema>;

export const FiltersSchema = z
  .object({
    rootId: z.number().int().optional(),
    /** Only files under this folder (absolute path). */
    folder: z.string().optional(),
    /** Date taken, epoch ms, inclusive. */
    from: z.number().optional(),
    to: z.number().optional(),
    camera: z.string().optional(),
    format: z.string().optional(),
    orientation: z.enum(['landscape', 'portrait', 'square']).optional(),
    /** At least this many stars. */
    minRating: z.number().int().min(1).max(5).optional(),
    /** Picked, rejected, or neither. */
    flag: z.enum(['pick', 'reject', 'none']).optional(),
    /** Only photos in this album. */
    album: z.number().int().optional(),
  })
  .strict();
export type Filters = z.infer<typeof FiltersSchema>;

export const SearchQuerySchema = z
  .object({
    /** Words: matched against image content (CLIP) and against file names, folders and tags. */
    text: z.string().max(1000).optional(),
    /** "More like this": a library item. */
    likeId: z.number().int().optional(),
    /** "Like this picture": an image the user dropped (its upload id). */
    uploadId: UploadIdSchema.optional(),
    filters: FiltersSchema.optional(),
    /** GAIR weight for texts that name a concept (*name): 1 = the learned token only, 0 = its attribute words only. */
    gairW: z.number().min(0).max(1).optional(),
    limit: z.number().int().min(1).max(500).default(60),
    offset: z.number().int().min(0).default(0),
    /** Order: by relevance (searches; the default), date taken (newest first; the default for listing), name, or date added. */
    sort: z.enum(['relevance', 'taken', 'name', 'added']).optional(),
  })
  .strict();
export type SearchQuery = z.input<typeof SearchQuerySchema>;

export const LibraryItemSchema = z.object({
  id: z.number().int(),
  path: z.string(),
  name: z.string(),
  folder: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Thumbnail path relative to the thumbnail route. */
  thumb: z.string().nullable(),
  /** Similarity in [−1, 1] (blended with name/tag matches), or null when results are not ranked. */
  score: z.number().nullable(),
  /** Named exactly by the words (a tag, the file name, a "quoted phrase"): listed first. */
  exact: z.boolean().optional(),
  /** 0–5 stars and the pick/reject flag (absent where the query does not read them). */
  rating: z.number().int().optional(),
  flag: z.enum(['pick', 'reject', 'none']).optional(),
  /** 0…1: how far above the library's typical score for the query (for a relevance bar); absent when not measured. */
  relevance: z.number().min(0).max(1).optional(),
});
export type LibraryItem = z.infer<typeof LibraryItemSchema>;

/** A photo with a location, for the map. */
export const PlaceSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** Thumbnail path relative to the thumbnail route. */
  thumb: z.string().nullable(),
  lat: z.number(),
  lon: z.number(),
});
export type Place = z.infer<typeof PlaceSchema>;

export const SearchResultSchema = z.object({
  items: z.array(LibraryItemSchema),
  /** How the results were ranked: by image content (CLIP), by names/tags only (no CLIP model), or just listed. */
  mode: z.enum(['vector', 'hybrid', 'names', 'list']),
  /** Said when the ranking is not what the user might expect (e.g. no CLIP model). */
  note: z.string().nullable(),
  /** Photos left out as too far from the words (below the relevance cut-off). */
  hidden: z.number().int().optional(),
  /** Nothing is named exactly and nothing scores clearly above the rest: the UI says "no good match". */
  noGoodMatch: z.boolean().optional(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const ItemDetailSchema = LibraryItemSchema.extend({
  size: z.number().int(),
  format: z.string().nullable(),
  takenAt: z.number().nullable(),
  camera: z.string().nullable(),
  lens: z.string().nullable(),
  gps: z.object({ lat: z.number(), lon: z.number() }).nullable(),
  /** ISO, f-number, exposure time (s), focal length (mm) — each null when the photo does not say. */
  exposure: z.object({ iso: z.number().nullable(), aperture: z.number().nullable(), shutter: z.number().nullable(), focalLength: z.number().nullable() }).nullable(),
  /** From XMP (dc:title, dc:description) or IPTC (Object Name, Caption). */
  title: z.string().nullable(),
  caption: z.string().nullable(),
  /** 0–5 stars (0 = not rated). */
  rating: z.number().int().min(0).max(5),
  /** Picked, rejected, or neither. */
  flag: z.enum(['pick', 'reject', 'none']),
  tags: z.array(z.string()),
  status: z.string(),
  error: z.string().nullable(),
  /** Other files with the same content. */
  duplicates: z.array(z.string()),
  /** The camera's embedded preview (upright px) the thumbnail and image vectors were made from instead of the full image; null: the full image was decoded. */
  embeddedPreview: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).nullable(),
});
export type ItemDetail = z.infer<typeof ItemDetailSchema>;

const TagList = z.array(z.string().trim().min(1).max(100)).max(50);

export const ItemsUpdateSchema = z
  .object({
    ids: z.array(z.number().int()).min(1).max(10_000),
    rating: z.number().int().min(0).max(5).optional(),
    flag: z.enum(['pick', 'reject', 'none']).optional(),
    addTags: TagList.optional(),
    removeTags: TagList.optional(),
  })
  .strict();
export type ItemsUpdate = z.infer<typeof ItemsUpdateSchema>;

export const FacetsSchema = z.object({
  cameras: z.array(z.string()),
  formats: z.array(z.string()),
  /** Earliest and latest date taken, epoch ms, or null when no photo has one. */
  taken: z.object({ from: z.number(), to: z.number() }).nullable(),
  /** Folders that hold indexed photos, with counts, sorted by path. */
  folders: z.array(z.object({ path: z.string(), rootId: z.number().int(), files: z.number().int() })),
});
export type Facets = z.infer<typeof FacetsSchema>;
