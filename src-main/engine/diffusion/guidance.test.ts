import { describe, expect, it } from 'vitest';
import { dualGuidance, guidance } from './guidance';
import { SeededRandom } from '../shared/rng';

describe('classifier-free guidance', () => {
  const u = Float32Array.from([1, 0, -2]);
  const i = Float32Array.from([2, 1, -2]);
  const f = Float32Array.from([2, 3, 0]);

  it('dual guidance: ε(∅,∅) + s_I(ε(c_I,∅) − ε(∅,∅)) + s_T(ε(c_I,c_T) − ε(c_I,∅))', () => {
    // By hand with s_I = 1.5, s_T = 7.5: [1 + 1.5·1 + 7.5·0, 0 + 1.5·1 + 7.5·2, −2 + 0 + 7.5·2]
    expect([...dualGuidance(u, i, f, 1.5, 7.5)]).toEqual([2.5, 16.5, 13]);
  });
  it('s_I = s_T = 1 gives the fully conditioned output; 0 and 0 the unconditioned one', () => {
    expect([...dualGuidance(u, i, f, 1, 1)]).toEqual([...f]);
    expect([...dualGuidance(u, i, f, 0, 0)]).toEqual([...u]);
  });
  it('plain guidance', () => {
    expect([...guidance(u, f, 2)]).toEqual([3, 6, 2]);
  });
});

describe('seeded random numbers', () => {
  it('are identical for a seed and differ between seeds', () => {
    expect([...new SeededRandom(42).normals(5)]).toEqual([...new SeededRandom(42).normals(5)]);
    expect([...new SeededRandom(42).normals(5)]).not.toEqual([...new SeededRandom(43).normals(5)]);
  });
  it('are standard normal', () => {
    const n = new SeededRandom(1).normals(20000);
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const variance = n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
  });
});
