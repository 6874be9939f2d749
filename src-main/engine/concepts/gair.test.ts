import { describe, expect, it } from 'vitest';
import { gairQuery } from './gair';

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
