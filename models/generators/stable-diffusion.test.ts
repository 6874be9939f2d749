import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { EMBEDS_INPUT, lookUpRows, rewriteForTokenEmbeddings } from '../../src-main/engine/models/onnx/token-embedding-rewrite';
import { ClipTokenizer } from '../../src-main/engine/clip/tokenizer';
import { fixturePaths } from '../fixtures';
import { COLORS } from '../scene-world/vocabulary';
import { HIDDEN, LATENT_SCALE, scaledLinearAlphasCumprod } from './stable-diffusion';

const paths = fixturePaths();
const session = (dir: string, part: string) => ort.InferenceSession.create(join(dir, part, 'model.onnx'));
const meta = (s: ort.InferenceSession, name: string) => {
  const m = [...s.inputMetadata, ...s.outputMetadata].find((x) => x.name === name);
  return m && m.isTensor ? { type: m.type, rank: m.shape.length } : null;
};

async function encodeText(text: string): Promise<ort.Tensor> {
  const tokenizer = await ClipTokenizer.fromDir(join(paths.sd.instruct, 'tokenizer'));
  const batch = tokenizer.encodeBatch([text], 77);
  const encoder = await session(paths.sd.instruct, 'text_encoder');
  const ids = new ort.Tensor('int32', Int32Array.from(batch.ids, Number), [1, 77]);
  return (await encoder.run({ input_ids: ids })).last_hidden_state!;
}

describe('tiny Stable Diffusion fixtures', () => {
  it('have the Optimum export signatures: names, dtypes and ranks', async () => {
    const text = await session(paths.sd.instruct, 'text_encoder');
    expect(meta(text, 'input_ids')).toEqual({ type: 'int32', rank: 2 });
    expect(meta(text, 'last_hidden_state')).toEqual({ type: 'float32', rank: 3 });
    expect(meta(text, 'pooler_output')).toEqual({ type: 'float32', rank: 2 });
    for (const [kind, channels] of [['text2img', 4], ['instruct', 8], ['inpaint', 9]] as const) {
      const unet = await session(paths.sd[kind], 'unet');
      expect(unet.inputNames).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
      expect(meta(unet, 'sample')).toEqual({ type: 'float32', rank: 4 });
      expect(meta(unet, 'timestep')).toEqual({ type: 'int64', rank: 1 });
      expect(meta(unet, 'out_sample')).toEqual({ type: 'float32', rank: 4 });
      const shape = unet.inputMetadata.find((m) => m.name === 'sample');
      expect(shape && shape.isTensor && shape.shape[1]).toBe(channels);
    }
    const vaeEnc = await session(paths.sd.instruct, 'vae_encoder');
    expect(vaeEnc.inputNames).toEqual(['sample']);
    expect(vaeEnc.outputNames).toEqual(['latent_sample']);
    const vaeDec = await session(paths.sd.instruct, 'vae_decoder');
    expect(vaeDec.inputNames).toEqual(['latent_sample']);
    expect(vaeDec.outputNames).toEqual(['sample']);
  });

  it('the VAE round-trips flat colors exactly and the latents are 8× smaller', async () => {
    const enc = await session(paths.sd.inpaint, 'vae_encoder');
    const dec = await session(paths.sd.inpaint, 'vae_decoder');
    const pixels = new Float32Array(3 * 64 * 64);
    pixels.fill(0.5, 0, 4096).fill(-0.25, 4096, 8192).fill(0.1, 8192);
    const latent = (await enc.run({ sample: new ort.Tensor('float32', pixels, [1, 3, 64, 64]) })).latent_sample!;
    expect(latent.dims).toEqual([1, 4, 8, 8]);
    const back = (await dec.run({ latent_sample: latent })).sample!;
    expect(back.dims).toEqual([1, 3, 64, 64]);
    const data = back.data as Float32Array;
    expect(data[0]).toBeCloseTo(0.5, 5);
    expect(data[4096 + 100]).toBeCloseTo(-0.25, 5);
    expect(data[8191 + 100]).toBeCloseTo(0.1, 5);
  });

  it('the instruction UNet predicts the noise that leads to the named color', async () => {
    const unet = await session(paths.sd.instruct, 'unet');
    const context = await encodeText('make it green');
    const t = 500;
    const alphaBar = scaledLinearAlphasCumprod()[t]!;
    const hw = 8 * 8;
    const sample = new Float32Array(8 * hw);
    for (let i = 0; i < 4 * hw; i++) sample[i] = Math.sin(i); // noisy latent z
    // Source image latent: flat gray.
    const eps = (
      await unet.run({
        sample: new ort.Tensor('float32', sample, [1, 8, 8, 8]),
        timestep: new ort.Tensor('int64', BigInt64Array.from([BigInt(t)]), [1]),
        encoder_hidden_states: context,
      })
    ).out_sample!.data as Float32Array;
    // x0 = (z − √(1−ᾱ)·ε)/√ᾱ must be the source pulled 80% towards green (0.12, 0.62, 0.2 in sRGB).
    const x0 = (i: number) => (sample[i]! - Math.sqrt(1 - alphaBar) * eps[i]!) / Math.sqrt(alphaBar);
    const green = [0.12, 0.62, 0.2].map((c) => (2 * c - 1) * LATENT_SCALE * 0.8);
    expect(x0(0)).toBeCloseTo(green[0]!, 4);
    expect(x0(hw + 5)).toBeCloseTo(green[1]!, 4);
    expect(x0(2 * hw + 9)).toBeCloseTo(green[2]!, 4);
  });

  it('the instruction UNet grounds: a neighbour in the image channels survives a text naming no color; ∅ image + color word gives the color', async () => {
    const unet = await session(paths.sd.instruct, 'unet');
    const t = 300;
    const alphaBar = scaledLinearAlphasCumprod()[t]!;
    const hw = 8 * 8;
    const x0Of = async (text: string, image: number[] | null) => {
      const sample = new Float32Array(8 * hw);
      for (let i = 0; i < 4 * hw; i++) sample[i] = Math.cos(i);
      if (image) for (let c = 0; c < 4; c++) sample.fill(image[c]!, (4 + c) * hw, (5 + c) * hw);
      const eps = (
        await unet.run({
          sample: new ort.Tensor('float32', sample, [1, 8, 8, 8]),
          timestep: new ort.Tensor('int64', BigInt64Array.from([BigInt(t)]), [1]),
          encoder_hidden_states: await encodeText(text),
        })
      ).out_sample!.data as Float32Array;
      return [0, 1, 2].map((c) => (sample[c * hw + 7]! - Math.sqrt(1 - alphaBar) * eps[c * hw + 7]!) / Math.sqrt(alphaBar));
    };
    // A blue neighbour (unscaled latents, as InstructPix2Pix takes its image condition).
    const blue = [-0.76, -0.53, 0.73, -0.19];
    (await x0Of('a thing on a table', blue)).forEach((v, c) => expect(v).toBeCloseTo(blue[c]! * LATENT_SCALE, 4));
    // ∅ image, "red": the color pulled 80 % from nothing.
    const fromNothing = await x0Of('a red thing', null);
    COLORS.red.forEach((c, ch) => expect(fromNothing[ch]!).toBeCloseTo((2 * c - 1) * LATENT_SCALE * 0.8, 4));
    // Full condition: 0.2·neighbour + 0.8·color, so γ-enhancing against either branch moves towards the other.
    const both = await x0Of('a red thing', blue);
    both.forEach((v, c) => expect(v).toBeCloseTo(0.2 * blue[c]! * LATENT_SCALE + fromNothing[c]!, 4));
  });

  it('the token-embedding rewrite works on the SD text encoder too (int32 ids)', async () => {
    const original = await readFile(join(paths.sd.text2img, 'text_encoder', 'model.onnx'));
    const rewrite = rewriteForTokenEmbeddings(original);
    expect(rewrite.dim).toBe(HIDDEN);
    const tokenizer = await ClipTokenizer.fromDir(join(paths.sd.text2img, 'tokenizer'));
    const batch = tokenizer.encodeBatch(['a red sofa in a green room'], 77);
    const before = await (await ort.InferenceSession.create(original)).run({ input_ids: new ort.Tensor('int32', Int32Array.from(batch.ids, Number), [1, 77]) });
    const feeds: Record<string, ort.Tensor> = { [EMBEDS_INPUT]: new ort.Tensor('float32', lookUpRows(rewrite.table, rewrite.dim, batch.ids), [1, 77, HIDDEN]) };
    if (rewrite.keepsInputIds) feeds.input_ids = new ort.Tensor('int32', Int32Array.from(batch.ids, Number), [1, 77]);
    const after = await (await ort.InferenceSession.create(rewrite.model)).run(feeds);
    const a = before.last_hidden_state!.data as Float32Array;
    const b = after.last_hidden_state!.data as Float32Array;
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-6);
  });
});
