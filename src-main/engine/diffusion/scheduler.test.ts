import { describe, expect, it } from 'vitest';
import { createScheduler, schedulerConfigFrom, type SchedulerName } from './scheduler';
import { alphasCumprod } from './schedules';

// Stable Diffusion's scheduler config; 5 steps, leading spacing, offset 1 → timesteps 801, 601, 401, 201, 1.
const SD = schedulerConfigFrom({ num_train_timesteps: 1000, beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, steps_offset: 1, prediction_type: 'epsilon' });
/** A toy ε-model: ε = 0.3·x + 0.01·t/1000 (the reference below ran the same model). */
const model = (x: Float32Array, t: number) => x.map((v) => 0.3 * v + (0.01 * t) / 1000);
const noiseAt = (i: number) => Float32Array.from([0.1 * (i + 1), -0.2, 0.05 * i]);

/** Final samples computed from the published update rules in float64 (numpy), starting from x = [1, −0.5, 0.25]·initNoiseSigma. */
const REFERENCE: Record<SchedulerName, number[]> = {
  ddim: [2.8497416440021675, -1.4596283430211097, 0.6950566504905288],
  'euler-ancestral': [2.5807726925023298, -1.5959562554642626, 0.6072376797473896],
  'dpmpp-2m': [2.426410010014908, -1.2337399802938511, 0.5963350148605283],
};

function sample(name: SchedulerName): Float32Array {
  const scheduler = createScheduler(name, SD, 5);
  let x: Float32Array = Float32Array.from([1, -0.5, 0.25]).map((v) => v * scheduler.initNoiseSigma);
  scheduler.timesteps.forEach((t, i) => {
    const out = model(scheduler.scaleModelInput(x, i), t);
    x = scheduler.step(out, i, x, () => noiseAt(i)).prev;
  });
  return x;
}

describe('schedulers against reference values', () => {
  for (const name of Object.keys(REFERENCE) as SchedulerName[]) {
    it(`${name}: 5 steps of a toy ε-model`, () => {
      const x = sample(name);
      REFERENCE[name].forEach((v, i) => expect(x[i]!).toBeCloseTo(v, 4));
    });
  }

  it('timesteps and the Euler initial noise scale', () => {
    const euler = createScheduler('euler-ancestral', SD, 5);
    expect(euler.timesteps).toEqual([801, 601, 401, 201, 1]);
    expect(euler.initNoiseSigma).toBeCloseTo(5.2309065084870685, 6);
  });

  it('adding noise for a strength below 1 follows each parametrization', () => {
    const ddim = createScheduler('ddim', SD, 5);
    const clean = Float32Array.from([1, 2]);
    const noise = Float32Array.from([0.5, -0.5]);
    const noised = ddim.addNoise(clean, noise, 0);
    const a801 = alphasCumprod({ numTrainTimesteps: 1000, betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 })[801]!;
    expect(noised[1]!).toBeCloseTo(Math.sqrt(a801) * 2 - Math.sqrt(1 - a801) * 0.5, 5);
    const euler = createScheduler('euler-ancestral', SD, 5);
    const sigma = euler.initNoiseSigma;
    const e = euler.addNoise(clean, noise, 0);
    expect(e[0]!).toBeCloseTo(1 + 0.5 * Math.sqrt(sigma * sigma - 1), 4);
  });
});
