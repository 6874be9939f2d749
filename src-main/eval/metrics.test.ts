import { describe, expect, it } from 'vitest';
import { meanReciprocalRank, rankOf, recallAt, scoreAll, topK } from './metrics';

describe('retrieval metrics', () => {
  it('rank counts higher scores, ties against the target, and can be limited to a subset', () => {
    const scores = Float32Array.from([0.9, 0.5, 0.7, 0.5, 0.1]);
    expect(rankOf(scores, 0)).toBe(0);
    expect(rankOf(scores, 1)).toBe(3); // 0.9, 0.7 and the tie 0.5
    expect(rankOf(scores, 4)).toBe(4);
    expect(rankOf(scores, 1, [1, 3, 4])).toBe(1);
  });
  it('Recall@K and MRR by hand', () => {
    const ranks = [0, 3, 9, 60];
    expect(recallAt(ranks, 1)).toBe(25);
    expect(recallAt(ranks, 10)).toBe(75);
    expect(recallAt(ranks, 50)).toBe(75);
    expect(meanReciprocalRank([0, 1, 3])).toBeCloseTo((100 * (1 + 1 / 2 + 1 / 4)) / 3, 10);
    expect(recallAt([], 5)).toBe(0);
  });
  it('scores every gallery vector and excludes one on request; topK is best first', () => {
    const gallery = [Float32Array.from([1, 0]), Float32Array.from([0.6, 0.8]), Float32Array.from([0, 1])];
    const scores = scoreAll(Float32Array.from([0, 1]), gallery, 2);
    expect([...scores]).toEqual([0, expect.closeTo(0.8, 6), -Infinity]);
    expect(topK(scores, 5)).toEqual([1, 0]);
  });
});
