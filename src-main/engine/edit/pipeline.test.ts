import { describe, expect, it } from 'vitest';
import { ensureHalfSd, fixturePaths } from '../../../models/fixtures';
import { SessionPool } from '../models/session-pool';
import { runDiffusion, roundToMultiple, type DiffusionRequest } from './pipeline';
import type { Mask, Rgb } from '../shared/pixels';
import { SdModel } from './sd-model';

const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
const load = (kind: 'instruct' | 'inpaint' | 'text2img') => SdModel.load(paths.sd[kind], pool);

function flat(width: number, height: number, rgb: [number, number, number]): Rgb {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}
const mean = (img: Rgb, x0 = 0, y0 = 0, x1 = img.width, y1 = img.height) => {
  const sum = [0, 0, 0];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum[c]! += img.data[(y * img.width + x) * 3 + c]!;
  return sum.map((s) => s / ((x1 - x0) * (y1 - y0)));
};
const base = (over: Partial<DiffusionRequest>): DiffusionRequest => ({
  pipeline: 'instruct',
  source: flat(64, 64, [220, 30, 30]),
  mask: null,
  prompt: 'make it green',
  negative: '',
  steps: 4,
  textGuidance: 7.5,
  imageGuidance: 1.5,
  strength: 1,
  seed: 1,
  scheduler: 'ddim',
  feather: 0,
  ...over,
});

describe('Stable Diffusion pipelines on the fixture models (64×64, a few steps)', () => {
  it('an instruction edit turns the picture the named color, with every scheduler', async () => {
    const model = await load('instruct');
    for (const scheduler of ['ddim', 'euler-ancestral', 'dpmpp-2m'] as const) {
      const { image, timings } = await runDiffusion(model, base({ scheduler, textGuidance: 1, imageGuidance: 1 }));
      expect(image.width).toBe(64);
      expect(image.data).toBeInstanceOf(Uint8Array);
      const [r, g] = mean(image);
      expect(g!, scheduler).toBeGreaterThan(r!);
      expect(timings.steps).toBe(4);
      expect(timings.unetMs).toBeGreaterThan(0);
    }
  });

  it('guidance steers: no text guidance keeps the picture, more text guidance goes further', async () => {
    const model = await load('instruct');
    const keep = await runDiffusion(model, base({ textGuidance: 0, imageGuidance: 1 }));
    // (Within a few levels: DDIM's last step lands at ᾱ₀ = 0.99915, not 1, as Stable Diffusion's config says.)
    mean(keep.image).forEach((v, c) => expect(Math.abs(v - [220, 30, 30][c]!)).toBeLessThan(8));
    const some = mean((await runDiffusion(model, base({ textGuidance: 0.5, imageGuidance: 1 }))).image);
    const more = mean((await runDiffusion(model, base({ textGuidance: 1, imageGuidance: 1 }))).image);
    expect(more[1]!).toBeGreaterThan(some[1]!);
    expect(some[1]!).toBeGreaterThan(30);
  });

  it('is deterministic for a seed, bit for bit', async () => {
    const model = await load('instruct');
    const a = await runDiffusion(model, base({ scheduler: 'euler-ancestral', seed: 7 }));
    const b = await runDiffusion(model, base({ scheduler: 'euler-ancestral', seed: 7 }));
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
  });

  it('a masked edit changes only the masked region: outside it every pixel is the parent’s', async () => {
    const model = await load('inpaint');
    const source = flat(64, 64, [220, 30, 30]);
    for (let i = 0; i < 64 * 64; i++) source.data[i * 3 + 2] = (i * 7) % 255; // texture, so "unchanged" means something
    const mask: Mask = { width: 64, height: 64, data: new Float32Array(64 * 64) };
    for (let y = 16; y < 48; y++) for (let x = 16; x < 48; x++) mask.data[y * 64 + x] = 1;
    const { image } = await runDiffusion(model, base({ pipeline: 'inpaint', source, mask, prompt: 'blue', feather: 3 }));
    let changedOutside = 0;
    for (let i = 0; i < 64 * 64; i++) if (mask.data[i] === 0) for (let c = 0; c < 3; c++) if (image.data[i * 3 + c] !== source.data[i * 3 + c]) changedOutside++;
    expect(changedOutside).toBe(0);
    const inside = mean(image, 24, 24, 40, 40);
    expect(inside[2]!).toBeGreaterThan(inside[0]!);
  });

  it('text-to-image paints the named color, at the size rounded to the model’s multiple', async () => {
    const model = await load('text2img');
    expect(roundToMultiple(70, model.sizeMultiple)).toBe(72);
    const { image } = await runDiffusion(model, base({ pipeline: 'text2img', source: null, prompt: 'a yellow canvas', width: 70, height: 40 }));
    expect([image.width, image.height]).toEqual([72, 40]);
    const [r, g, b] = mean(image);
    expect(r!).toBeGreaterThan(b! + 100);
    expect(g!).toBeGreaterThan(b! + 100);
  });

  it('reports each step with a preview, and cancels between steps', async () => {
    const model = await load('instruct');
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(
      runDiffusion(model, base({ steps: 10 }), {
        signal: controller.signal,
        onStep: (e) => {
          seen.push(e.step);
          expect(e.preview().width).toBe(8);
          if (e.step === 3) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('runs fp16 exports (float16 inputs and outputs) to the same picture as fp32, within half precision', async () => {
    const half = await SdModel.load(await ensureHalfSd(), new SessionPool({ providers: ['cpu'], intraOpThreads: 1 }));
    const full = await load('instruct');
    const a = await runDiffusion(half, base({ scheduler: 'dpmpp-2m' }));
    const b = await runDiffusion(full, base({ scheduler: 'dpmpp-2m' }));
    let worst = 0;
    for (let i = 0; i < a.image.data.length; i++) worst = Math.max(worst, Math.abs(a.image.data[i]! - b.image.data[i]!));
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('refuses a model of the wrong kind and an edit without a picture', async () => {
    const model = await load('text2img');
    await expect(runDiffusion(model, base({}))).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });
    const instruct = await load('instruct');
    await expect(runDiffusion(instruct, base({ source: null }))).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(SdModel.load('/nonexistent', pool)).rejects.toMatchObject({ code: 'MODEL_MISSING' });
  });
});
