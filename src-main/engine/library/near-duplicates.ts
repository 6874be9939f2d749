import type { LibraryItem } from '@contract';
import type { JobContext } from '../jobs/runner';
import type { EmbeddingsRepository } from '../storage/library/embeddings-repository';
import type { ListingRepository } from '../storage/library/listing-repository';
import type { VectorIndex } from '../vectors/vector-index';

/**
 * Photos searched per batched call: enough to keep every core busy, few enough that one call (synchronous, on the
 * engine's thread) stays in the tens of milliseconds at a million photos and cancel/pause are checked often.
 */
const BATCH = 64;

/**
 * Groups of near-identical photos: pairs whose vectors are at least `threshold` similar (the index's 8 nearest of each
 * photo), joined transitively with union–find; largest groups first, each in path order.
 */
export async function nearDuplicateGroups(
  store: { embeddings: EmbeddingsRepository; listing: ListingRepository },
  model: string,
  index: () => Promise<VectorIndex>,
  ctx: JobContext,
  threshold: number,
): Promise<LibraryItem[][]> {
  const total = store.embeddings.count(model);
  ctx.progress(0, total);
  if (total === 0) return [];
  const vectors = await index();
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  let done = 0;
  let batch: { key: number; vector: Float32Array }[] = [];
  const flush = () => {
    // One multi-threaded usearch call for the whole batch instead of one call per photo.
    const found = vectors.searchMany(batch.map((b) => b.vector), 8);
    batch.forEach(({ key }, i) => {
      for (const hit of found[i]!) if (hit.key !== key && hit.score >= threshold) parent.set(find(hit.key), find(key));
    });
    done += batch.length;
    batch = [];
    ctx.progress(done, total);
  };
  for (const row of store.embeddings.source(model).all()) {
    batch.push(row);
    if (batch.length === BATCH) {
      flush();
      await ctx.checkpoint();
    }
  }
  if (batch.length) flush();
  ctx.progress(total, total);
  const groups = new Map<number, number[]>();
  for (const id of parent.keys()) {
    const root = find(id);
    groups.set(root, [...(groups.get(root) ?? []), id]);
  }
  const multi = [...groups.values()].filter((g) => g.length > 1);
  return multi
    .map((ids) => store.listing.items([...new Set(ids)]).sort((a, b) => a.path.localeCompare(b.path)))
    .filter((g) => g.length > 1)
    .sort((a, b) => b.length - a.length);
}
