import { describe, expect, it } from 'vitest';
import { chooseGairWeightByGeneration, gairQuery } from './gair';

describe('GAIR query', () => {
  const token = Float32Array.from([1, 0, 0]);
  const a1 = Float32Array.from([0, 1, 0]);
  const a2 = Float32Array.from([0, 0, 1]);

  it('mixes w·g(*) + (1−w)·mean g(a_i) without renormalizing the mean, and normalizes only the result', () => {
    // mean = [0, ½, ½] (length 1/√2, kept); ½·token + ½·mean = [½, ¼, ¼] → /√(3/8)
    const q = gairQuery(token, [a1, a2], 0.5);
    const n = Math.sqrt(0.25 + 0.0625 + 0.0625);
    [0.5 / n, 0.25 / n, 0.25 / n].forEach((v, i) => expect(q[i]!).toBeCloseTo(v, 6));
    // Renormalizing the mean first would give [½, ½/√2, ½/√2] → the token's share 0.707 instead of 0.816.
    expect(q[0]!).toBeCloseTo(0.8165, 4);
  });

  it('w = 1 is the token alone, w = 0 the attribute words’ mean direction', () => {
    expect([...gairQuery(token, [a1, a2], 1)]).toEqual([...token]);
    const q = gairQuery(token, [a1, a2], 0);
    [0, Math.SQRT1_2, Math.SQRT1_2].forEach((v, i) => expect(q[i]!).toBeCloseTo(v, 6));
    expect([...gairQuery(token, [], 0.3)]).toEqual([...token]);
  });
});

describe('Algorithm 1 on generated images', () => {
  const unit = (...v: number[]) => {
    const n = Math.hypot(...v);
    return Float32Array.from(v.map((x) => x / n));
  };
  const photo = unit(1, 0, 0);

  it('scores each w by min(similarity to the w = 0 context image, to the photos) and picks the best', async () => {
    // The generator drifts from the context direction [0,1,0] toward the concept's photo [1,0,0] as w grows.
    const asked: number[] = [];
    const generatedAt = async (w: number) => {
      asked.push(w);
      return unit(w, 1 - w, 0);
    };
    const chosen = await chooseGairWeightByGeneration(generatedAt, [photo]);
    expect(asked).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(chosen.w).toBe(0.5); // the only w close to both: min(cos 45°, cos 45°)
    expect(chosen.scores[2]!.score).toBeCloseTo(Math.SQRT1_2, 6);
    expect(chosen.scores[0]!.score).toBeCloseTo(0, 6); // the context image itself: nothing of the concept
    expect(chosen.scores[4]!.score).toBeCloseTo(0, 6); // the concept alone: nothing of the context
  });

  it('a generator that keeps the context whatever w is leaves the concept out: the best w is where the photos show most', async () => {
    const chosen = await chooseGairWeightByGeneration(async (w) => unit(w * 0.2, 1, 0), [photo], [0, 0.5, 1]);
    expect(chosen.w).toBe(1);
    expect(chosen.scores.map((s) => s.w)).toEqual([0, 0.5, 1]);
  });
});
