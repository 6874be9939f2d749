/** Retrieval metrics over 0-based ranks (0 = first). Percentages, as papers report them. */

/**
 * The target's 0-based rank among candidates: how many score higher (ties count against the target, so a metric is
 * never flattered by equal scores). `candidates` limits the competition to those indices (e.g. a CIRR img_set).
 */
export function rankOf(scores: Float32Array, target: number, candidates?: readonly number[]): number {
  const t = scores[target]!;
  let rank = 0;
  const visit = (i: number) => {
    if (i !== target && scores[i]! >= t) rank++;
  };
  if (candidates) candidates.forEach(visit);
  else for (let i = 0; i < scores.length; i++) visit(i);
  return rank;
}

/** Recall@K: % of queries whose target ranks in the first K. */
export function recallAt(ranks: readonly number[], k: number): number {
  return ranks.length ? (100 * ranks.filter((r) => r < k).length) / ranks.length : 0;
}

/** Mean reciprocal rank of the first relevant result, in % (PerVL reports e.g. 56.6). */
export function meanReciprocalRank(firstRelevantRanks: readonly number[]): number {
  return firstRelevantRanks.length ? (100 * firstRelevantRanks.reduce((s, r) => s + 1 / (r + 1), 0)) / firstRelevantRanks.length : 0;
}

/** Scores of every gallery vector against a query (dot products of unit vectors = cosine similarity). */
export function scoreAll(query: Float32Array, gallery: readonly Float32Array[], excluded?: number): Float32Array {
  const out = new Float32Array(gallery.length);
  for (let g = 0; g < gallery.length; g++) {
    const v = gallery[g]!;
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * query[i]!;
    out[g] = g === excluded ? -Infinity : s;
  }
  return out;
}

/** Indices of the k best scores, best first. */
export function topK(scores: Float32Array, k: number): number[] {
  return Array.from(scores.keys())
    .filter((i) => scores[i] !== -Infinity)
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, k);
}
