import { AppError, type LibraryItem, type SearchQuery, type SearchResult } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import { dot } from '../shared/vector';
import type { VectorIndex } from '../vectors/vector-index';
import type { EmbeddingsRepository } from '../storage/library/embeddings-repository';
import type { ListingRepository } from '../storage/library/listing-repository';
import type { TagsRepository } from '../storage/library/tags-repository';
import { baseline, exactMatches, exactPhrases, GOOD_Z, KEEP_Z, relevanceOf } from './relevance';

/** What search needs from the library. */
export interface SearchDeps {
  listing: ListingRepository;
  tags: TagsRepository;
  embeddings: EmbeddingsRepository;
  /** The (checked) vector index of a model. */
  vectorIndex(model: string, clip: ClipModel | null): Promise<VectorIndex>;
  /** The model searched when none is named. */
  defaultModel(): string;
}

/**
 * Ranks library items by image content (CLIP vectors) blended with name/tag matches, or by names alone without a model;
 * applies filters (exactly, falling back to exact vector ranking over the filtered set when the index's candidates run out)
 * and pages. `imageVector`: a query vector made elsewhere (a dropped image, a composed query); `servingModel`: whose
 * vectors to search; `exclude`: items never returned (a composed query's reference).
 */
export async function searchLibrary(
  deps: SearchDeps,
  query: SearchQuery,
  clip: ClipModel | null,
  imageVector?: Float32Array,
  servingModel?: string,
  exclude: ReadonlySet<number> = new Set(),
): Promise<SearchResult> {
  const { listing, embeddings } = deps;
  const limit = query.limit ?? 60;
  const offset = query.offset ?? 0;
  const filter = listing.filter(query.filters ?? {});
  // `clip` must be the serving model's encoder when one is given.
  const model = servingModel ?? deps.defaultModel();

  let vector: Float32Array | null = imageVector ?? null;
  if (vector) {
    // Given by the caller.
  } else if (query.likeId !== undefined) {
    vector = embeddings.vector(query.likeId, model);
    if (!vector) throw new AppError('NOT_FOUND', `Item ${query.likeId} has no embedding yet; index the library first.`);
  } else if (query.text?.trim() && clip) {
    vector = (await clip.encodeTexts([exactPhrases(query.text).rest || query.text]))[0]!;
  }
  const textHits = query.text?.trim() ? ftsHits(listing, query.text) : new Map<number, number>();
  const exact = query.text?.trim() ? exactMatches(deps, query.text) : new Set<number>();

  if (!vector) {
    if (textHits.size === 0 && query.text?.trim()) {
      return { items: [], mode: 'names', note: clip ? null : 'No CLIP model is installed, so only file names, folders and tags were searched.' };
    }
    const ids = textHits.size || exact.size ? [...new Set([...exact, ...textHits.keys()])] : null;
    const rows = listing.items(ids, filter, ids ? undefined : { limit, offset, sort: query.sort });
    const rank = (id: number) => (exact.has(id) ? 2 : 0) + (textHits.get(id) ?? 0);
    const items = ids ? sortItems(rows.sort((a, b) => rank(b.id) - rank(a.id)), query.sort, listing).slice(offset, offset + limit) : rows;
    return {
      items: items.map((r) => ({ ...r, score: ids ? (textHits.get(r.id) ?? null) : null, ...(exact.has(r.id) ? { exact: true } : {}) })),
      mode: ids ? 'names' : 'list',
      note: query.text?.trim() && !clip ? 'No CLIP model is installed, so only file names, folders and tags were searched.' : null,
    };
  }

  const index = await deps.vectorIndex(model, clip);
  const wanted = offset + limit + exclude.size;
  const scores = new Map<number, number>();
  for (const hit of index.search(vector, Math.max(200, wanted * 10))) scores.set(hit.key, hit.score);
  let rows = listing.items([...scores.keys()], filter);
  if (rows.length < wanted && (filter.sql || scores.size < index.size)) {
    // Filters removed too many candidates: rank the filtered set exactly from the stored embeddings.
    rows = listing.items(null, filter);
    const byId = embeddings.vectorsById(model);
    for (const r of rows) {
      const stored = byId.get(r.id);
      if (stored && !scores.has(r.id)) scores.set(r.id, dot(vector, stored));
    }
    rows = rows.filter((r) => scores.has(r.id));
  }
  // Photos the words name exactly come first, wherever their pictures rank.
  const missingExact = [...exact].filter((id) => !scores.has(id));
  if (missingExact.length) {
    const extra = listing.items(missingExact, filter);
    for (const r of extra) {
      const stored = embeddings.vector(r.id, model);
      scores.set(r.id, stored ? dot(vector, stored) : 0);
    }
    rows = [...rows, ...extra];
  }
  // Names and tags that match the words lift an image a little; they never outrank a clearly better picture.
  let blended: (LibraryItem & { score: number })[] = rows
    .filter((r) => !exclude.has(r.id))
    .map((r) => ({ ...r, score: (scores.get(r.id) ?? 0) + 0.05 * (textHits.get(r.id) ?? 0), ...(exact.has(r.id) ? { exact: true } : {}) }));
  blended.sort((a, b) => Number(exact.has(b.id)) - Number(exact.has(a.id)) || b.score - a.score);
  // Words: photos far from them are left out, and a search where nothing stands out says so.
  const base = query.text?.trim() ? baseline(embeddings, model, vector) : null;
  let hidden = 0;
  let noGoodMatch = false;
  if (base) {
    const z = (s: number) => (s - base.mean) / base.std;
    const kept = blended.filter((r) => exact.has(r.id) || z(r.score) >= KEEP_Z);
    hidden = blended.length - kept.length;
    noGoodMatch = exact.size === 0 && !blended.some((r) => z(r.score) >= GOOD_Z);
    blended = kept.map((r) => ({ ...r, relevance: exact.has(r.id) ? 1 : relevanceOf(z(r.score)) }));
  }
  blended = sortItems(blended, query.sort, listing);
  return { items: blended.slice(offset, offset + limit), mode: textHits.size ? 'hybrid' : 'vector', note: null, ...(base ? { hidden, noGoodMatch } : {}) };
}

/** FTS matches for the words, as a 0…1 strength (best match 1). */
export function ftsHits(listing: ListingRepository, text: string): Map<number, number> {
  const terms = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const rows = listing.textMatches(terms);
  if (rows.length === 0) return new Map();
  const best = rows[0]!.rank;
  return new Map(rows.map((r) => [r.id, best === 0 ? 1 : r.rank / best]));
}

/** Ranked results put in another order on request (relevance keeps the ranking; the cut-off has already applied). */
function sortItems<T extends LibraryItem>(items: T[], sort: SearchQuery['sort'], listing: ListingRepository): T[] {
  if (!sort || sort === 'relevance' || items.length < 2) return items;
  if (sort === 'name') return [...items].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id - b.id);
  if (sort === 'added') return [...items].sort((a, b) => b.id - a.id);
  const taken = listing.takenTimes(items.map((i) => i.id));
  return [...items].sort((a, b) => (taken.get(b.id) ?? 0) - (taken.get(a.id) ?? 0) || b.id - a.id);
}
