import { describe, expect, it } from 'vitest';
import { ddimStep, ddimTimesteps } from './ddim';
import { alphasCumprod } from './schedules';

const SD = { numTrainTimesteps: 1000, betaSchedule: 'scaled_linear' as const, betaStart: 0.00085, betaEnd: 0.012 };

describe('DDIM timesteps (as diffusers spaces them)', () => {
  it('leading spacing with offset 1 (Stable Diffusion, 50 steps)', () => {
    const ts = ddimTimesteps(1000, 50, 'leading', 1);
    expect(ts.slice(0, 5)).toEqual([981, 961, 941, 921, 901]);
    expect(ts.at(-1)).toBe(1);
    expect(ts).toHaveLength(50);
  });
  it('trailing spacing', () => {
    expect(ddimTimesteps(1000, 10, 'trailing')).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
  });
  it('linspace spacing', () => {
    expect(ddimTimesteps(1000, 10, 'linspace')).toEqual([999, 888, 777, 666, 555, 444, 333, 222, 111, 0]);
  });
  it('refuses impossible step counts', () => {
    expect(() => ddimTimesteps(1000, 0)).toThrow(RangeError);
    expect(() => ddimTimesteps(10, 11)).toThrow(RangeError);
  });
});

describe('DDIM step', () => {
  const a = alphasCumprod(SD);
  const x = Float32Array.from([0.5, -1, 2]);
  // Reference (numpy, float64): ε-prediction, t = 500 → 400.
  const X0 = [0.78933277138097, -2.225977073169387, 4.290126263736912];
  const PREV = [0.5901317777108599, -1.298550964626982, 2.567530076952649];

  it('ε-prediction matches hand-computed values', () => {
    const { prev, predictedOriginal } = ddimStep(Float32Array.from([0.1, 0.2, -0.3]), 500, 400, x, a, 'epsilon');
    X0.forEach((v, i) => expect(predictedOriginal[i]!).toBeCloseTo(v, 5));
    PREV.forEach((v, i) => expect(prev[i]!).toBeCloseTo(v, 5));
  });

  it('x₀-prediction of the same x̂₀ takes the same step', () => {
    const { prev } = ddimStep(Float32Array.from(X0), 500, 400, x, a, 'sample');
    PREV.forEach((v, i) => expect(prev[i]!).toBeCloseTo(v, 4));
  });

  it('v-prediction of the same x̂₀ takes the same step', () => {
    const eps = [0.1, 0.2, -0.3];
    const v = Float32Array.from(eps.map((e, i) => Math.sqrt(a[500]!) * e - Math.sqrt(1 - a[500]!) * X0[i]!));
    const { prev } = ddimStep(v, 500, 400, x, a, 'v_prediction');
    PREV.forEach((value, i) => expect(prev[i]!).toBeCloseTo(value, 4));
  });

  it('the last step (ᾱ_prev = 1) lands on x̂₀', () => {
    const { prev, predictedOriginal } = ddimStep(Float32Array.from([0.1, 0.2, -0.3]), 1, -1, x, a, 'epsilon');
    for (let i = 0; i < 3; i++) expect(prev[i]!).toBeCloseTo(predictedOriginal[i]!, 6);
  });
});
