/** The constant of reciprocal-rank fusion (Cormack et al. 2009): large enough that one list's top item cannot drown the others. */
export const RRF_K = 60;

/**
 * Reciprocal-rank fusion: score(d) = Σ over rankings of 1/(K + rank(d)), rank from 1. Rankings need no common scale
 * (CLIP cosines and BM25 ranks mix without calibration). Ties keep the order of first appearance, so the result is
 * deterministic.
 */
export function reciprocalRankFusion<T>(rankings: T[][], k = RRF_K): { id: T; score: number }[] {
  const scores = new Map<T, number>();
  for (const ranking of rankings) {
    const seen = new Set<T>();
    ranking.forEach((id, index) => {
      if (seen.has(id)) return;
      seen.add(id);
      scores.set(id, (scores.get(id) ?? 0) + 1 / (k + index + 1));
    });
  }
  return [...scores.entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
