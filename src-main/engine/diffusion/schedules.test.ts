import { describe, expect, it } from 'vitest';
import { alphasCumprod, betas } from './schedules';

// Reference values computed from the published formulas in float64 (numpy), T = 1000:
// β[0], β[499], β[999], ᾱ[0], ᾱ[499], ᾱ[999].
const REFERENCE = {
  scaled_linear: [0.00085, 0.004803792980550717, 0.012, 0.99915, 0.27766965045646763, 0.004660098513077238],
  linear: [0.0001, 0.010040040040040039, 0.02, 0.9999, 0.07858724288177824, 4.035829765375676e-5],
  squaredcos_cap_v2: [4.128422482196914e-5, 0.0031458862304780677, 0.999, 0.999958715775178, 0.4938435904406382, 2.4287669070348567e-9],
} as const;

describe('noise schedules', () => {
  for (const [name, ref] of Object.entries(REFERENCE)) {
    it(`${name} matches the published formula`, () => {
      const config =
        name === 'scaled_linear'
          ? { numTrainTimesteps: 1000, betaSchedule: 'scaled_linear' as const, betaStart: 0.00085, betaEnd: 0.012 }
          : { numTrainTimesteps: 1000, betaSchedule: name as 'linear' | 'squaredcos_cap_v2' };
      const b = betas(config);
      const a = alphasCumprod(config);
      const got = [b[0]!, b[499]!, b[999]!, a[0]!, a[499]!, a[999]!];
      got.forEach((value, i) => expect(value).toBeCloseTo(ref[i]!, 12));
    });
  }

  it('cosine ᾱ follows f(t)/f(0) wherever β is not capped', () => {
    const f = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    const a = alphasCumprod({ numTrainTimesteps: 1000, betaSchedule: 'squaredcos_cap_v2' });
    for (const t of [0, 100, 500, 900]) expect(a[t]!).toBeCloseTo(f((t + 1) / 1000) / f(0), 10);
  });

  it('ᾱ decreases strictly', () => {
    const a = alphasCumprod({ numTrainTimesteps: 1000, betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 });
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeLessThan(a[i - 1]!);
  });
});
