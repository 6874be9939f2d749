import { describe, expect, it } from 'vitest';
import { minimize } from './cma-es';

const sphere = (x: number[]) => x.reduce((a, v) => a + v * v, 0);
const rosenbrock = (x: number[]) => x.slice(0, -1).reduce((a, v, i) => a + 100 * (x[i + 1]! - v * v) ** 2 + (1 - v) ** 2, 0);
const ellipsoid = (x: number[]) => x.reduce((a, v, i) => a + 1e6 ** (i / (x.length - 1)) * v * v, 0);

// Hansen's tutorial reports, for n = 10 with default parameters, ≈ 1,200 evaluations to reach 1e-8 on the sphere,
// ≈ 6,000–7,000 on the 10-D Rosenbrock function (to 1e-8) and ≈ 6,000 on the 10-D ellipsoid (condition 1e6). The bounds
// below leave room for seeds but would fail a broken update rule by orders of magnitude.
describe('CMA-ES on standard test functions (n = 10)', () => {
  it('sphere: 1e-8 in under 2,000 evaluations', () => {
    const r = minimize(sphere, new Array(10).fill(1), { sigma: 0.5, seed: 1, maxEvaluations: 20_000, target: 1e-8 });
    expect(r.value).toBeLessThan(1e-8);
    expect(r.evaluations).toBeLessThan(2_000);
  });
  it('Rosenbrock: the valley to 1e-8 in under 12,000 evaluations', () => {
    const r = minimize(rosenbrock, new Array(10).fill(0), { sigma: 0.5, seed: 2, maxEvaluations: 40_000, target: 1e-8 });
    expect(r.value).toBeLessThan(1e-8);
    expect(r.evaluations).toBeLessThan(12_000);
    r.x.forEach((v) => expect(v).toBeCloseTo(1, 3));
  });
  it('ill-conditioned ellipsoid (1e6): the covariance learns the scaling, under 10,000 evaluations', () => {
    const r = minimize(ellipsoid, new Array(10).fill(1), { sigma: 0.5, seed: 3, maxEvaluations: 40_000, target: 1e-8 });
    expect(r.value).toBeLessThan(1e-8);
    expect(r.evaluations).toBeLessThan(10_000);
  });
  it('is deterministic for a seed', () => {
    const a = minimize(sphere, [1, 2, 3], { sigma: 0.3, seed: 9, maxEvaluations: 300 });
    const b = minimize(sphere, [1, 2, 3], { sigma: 0.3, seed: 9, maxEvaluations: 300 });
    expect(a).toEqual(b);
  });
});
