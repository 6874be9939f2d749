import type { ExactVectors, Hit } from './vector-index';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Ranks each query's candidates by exact cosine against their stored vectors (one read for all queries) and keeps the
 * best `k`. A candidate with no stored vector left (its file was removed since) is dropped.
 */
export function rescored(queries: Float32Array[], candidates: number[][], exact: ExactVectors, k: number): Hit[][] {
  const stored = exact([...new Set(candidates.flat())]);
  return candidates.map((keys, q) => {
    const hits: Hit[] = [];
    for (const key of keys) {
      const vector = stored.get(key);
      if (vector) hits.push({ key, score: cosine(queries[q]!, vector) });
    }
    // Ties keep a stable order (by key) so one query alone and in a batch rank alike.
    return hits.sort((a, b) => b.score - a.score || a.key - b.key).slice(0, k);
  });
}
