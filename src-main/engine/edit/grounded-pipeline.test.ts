import { describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { SessionPool } from '../models/session-pool';
import { runGrounded, type GroundedRequest } from './grounded-pipeline';
import type { Rgb } from '../shared/pixels';
import { SdModel } from './sd-model';

const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
const instruct = () => SdModel.load(paths.sd.instruct, pool);

function flat(rgb: [number, number, number], size = 64): Rgb {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) data.set(rgb, i * 3);
  return { width: size, height: size, data };
}
const mean = (img: Rgb) => {
  const sum = [0, 0, 0];
  for (let i = 0; i < img.width * img.height; i++) for (let c = 0; c < 3; c++) sum[c]! += img.data[i * 3 + c]!;
  return sum.map((s) => s / (img.width * img.height)) as [number, number, number];
};
const BLUE: [number, number, number] = [30, 60, 220];
const GREEN: [number, number, number] = [40, 200, 60];
const base = (over: Partial<GroundedRequest>): GroundedRequest => ({
  mode: 'create',
  source: null,
  neighbours: [flat(BLUE)],
  prompt: 'a red thing',
  negative: '',
  steps: 20,
  guidance: 3,
  eta: 0.5,
  mix: 'mean',
  seed: 3,
  scheduler: 'ddim',
  width: 64,
  height: 64,
  ...over,
});

describe('grounded generation on the fixture instruction model', () => {
  it('the neighbour’s color survives where the text names none, at every η', async () => {
    const model = await instruct();
    for (const eta of [0, 0.5, 1]) {
      const [r, g, b] = mean((await runGrounded(model, base({ prompt: 'a thing on a table', eta }))).image);
      expect(b, `η=${eta}`).toBeGreaterThan(200);
      expect(r, `η=${eta}`).toBeLessThan(60);
      expect(g, `η=${eta}`).toBeLessThan(100);
    }
  });

  it('the text’s color wins as η → 1; at the usual γ = 7.5 the neighbour overwhelms it at η = 0', async () => {
    const model = await instruct();
    const [r0, , b0] = mean((await runGrounded(model, base({ eta: 0, guidance: 7.5 }))).image);
    const [r1, , b1] = mean((await runGrounded(model, base({ eta: 1, guidance: 7.5 }))).image);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(200);
    expect(b1).toBeLessThan(20);
  });

  it('η moves the output monotonically from the neighbour towards the text', async () => {
    const model = await instruct();
    const redness: number[] = [];
    for (let eta = 0; eta <= 1.0001; eta += 0.1) {
      const [r, , b] = mean((await runGrounded(model, base({ eta: Math.min(1, eta) }))).image);
      redness.push(r - b);
    }
    for (let i = 1; i < redness.length; i++) expect(redness[i]!, `η=${(i / 10).toFixed(1)}: ${redness.map(Math.round)}`).toBeGreaterThanOrEqual(redness[i - 1]!);
    expect(redness.at(-1)! - redness[0]!).toBeGreaterThan(100);
  });

  it('runs two UNet rows per step (not three) and returns the schedule it used', async () => {
    const model = await instruct();
    const batches: number[] = [];
    const unet = model.unet.bind(model);
    model.unet = (sample, t, context) => {
      batches.push(sample.dims[0]!);
      expect(context.dims[0]).toBe(sample.dims[0]);
      return unet(sample, t, context);
    };
    const { schedule, timings } = await runGrounded(model, base({ steps: 8, eta: 0.25 }));
    expect(batches).toEqual(Array(8).fill(2));
    expect(schedule).toBe('TNNNTNNN');
    expect(timings.steps).toBe(8);
  });

  it('is deterministic for a seed, bit for bit, and the seed matters', async () => {
    const model = await instruct();
    const a = await runGrounded(model, base({ scheduler: 'euler-ancestral', seed: 9 }));
    const b = await runGrounded(model, base({ scheduler: 'euler-ancestral', seed: 9 }));
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
  });

  it('edit: η = 1 keeps the picture where the text names no color; η = 0 moves it towards the neighbours', async () => {
    const model = await instruct();
    const source = flat(GREEN);
    const keep = mean((await runGrounded(model, base({ mode: 'edit', source, prompt: 'a thing', guidance: 1.5, eta: 1 }))).image);
    keep.forEach((v, c) => expect(Math.abs(v - GREEN[c]!)).toBeLessThan(12));
    const steered = mean((await runGrounded(model, base({ mode: 'edit', source, prompt: 'a thing', guidance: 1.5, eta: 0 }))).image);
    expect(steered[2]).toBeGreaterThan(keep[2] + 80);
    expect(steered[1]).toBeLessThan(keep[1] - 80);
  });

  it('refuses a model without an image condition, no neighbours, a neighbour of the wrong size, and an edit without a picture', async () => {
    const model = await instruct();
    const text2img = await SdModel.load(paths.sd.text2img, pool);
    await expect(runGrounded(text2img, base({}))).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });
    await expect(runGrounded(model, base({ neighbours: [] }))).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(runGrounded(model, base({ neighbours: [flat(BLUE, 128)] }))).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/Neighbour 1 is 128×128/) });
    await expect(runGrounded(model, base({ mode: 'edit', source: null }))).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  });
});
