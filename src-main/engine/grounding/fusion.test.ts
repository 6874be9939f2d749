import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './fusion';

describe('reciprocal-rank fusion', () => {
  it('sums 1/(k + rank) over the rankings', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['c', 'a'],
    ]);
    expect(fused.map((f) => f.id)).toEqual(['a', 'c', 'b']);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[1]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused[2]!.score).toBeCloseTo(1 / 62, 12);
  });

  it('an item both rankings like beats one that tops a single ranking', () => {
    const fused = reciprocalRankFusion([
      [1, 2, 3, 4],
      [5, 3, 6, 7],
    ]);
    expect(fused[0]!.id).toBe(3);
  });

  it('counts an item once per ranking, keeps first-appearance order on ties, and takes empty rankings', () => {
    expect(reciprocalRankFusion([[1, 1, 2]]).map((f) => f.id)).toEqual([1, 2]);
    expect(reciprocalRankFusion([[9], [8]]).map((f) => f.id)).toEqual([9, 8]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});
