import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphBuilder } from '../../src-main/engine/models/onnx/graph-builder';
import { Random } from '../scene-world/random';
import { COLORS, COLOR_NAMES } from '../scene-world/vocabulary';

/**
 * Tiny Stable Diffusion 1.x parts with the signatures of Hugging Face Optimum's ONNX exports
 * (text_encoder: input_ids int32 → last_hidden_state, pooler_output; unet: sample, timestep int64,
 * encoder_hidden_states → out_sample; vae_encoder: sample → latent_sample; vae_decoder: latent_sample → sample)
 * and designed, not trained, weights:
 *
 * - the VAE is an exact linear code: 8×8 average colors ↔ 4 latent channels;
 * - the text encoder puts the sRGB color of each color word (as −1…1) in hidden dims 0–2 and a "names a color" flag in
 *   dim 3, so the instruction's target color can be read from the hidden states;
 * - the UNet knows the clean latent it wants (the target color everywhere for text-to-image; the source image pulled
 *   towards the target color for instruction edits; the target color inside the mask and the source outside for
 *   inpainting) and returns exactly the noise ε = (z − √ᾱₜ·x₀)/√(1−ᾱₜ) that leads a sampler there.
 * So an edit "make it green" on a 64×64 image really turns it green, in milliseconds per step.
 */

export const HIDDEN = 32;
export const LATENT_SCALE = 0.18215;
const TRAIN_STEPS = 1000;
/** How far an instruction edit moves the image towards the named color. */
const EDIT_STRENGTH = 0.8;

/** sRGB (−1…1 per channel, as SD's VAE sees pixels) → 4 latent channels: the colors and their mean. */
const ENCODE = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1 / 3, 1 / 3, 1 / 3],
];

/** Stable Diffusion's scaled-linear β schedule → ᾱ for each of the 1000 training steps. */
export function scaledLinearAlphasCumprod(betaStart = 0.00085, betaEnd = 0.012, steps = TRAIN_STEPS): Float32Array {
  const out = new Float32Array(steps);
  let prod = 1;
  for (let i = 0; i < steps; i++) {
    const sqrtBeta = Math.sqrt(betaStart) + ((Math.sqrt(betaEnd) - Math.sqrt(betaStart)) * i) / (steps - 1);
    prod *= 1 - sqrtBeta * sqrtBeta;
    out[i] = prod;
  }
  return out;
}

export function buildVaeEncoder(): Uint8Array {
  const g = new GraphBuilder('tiny_vae_encoder');
  const x = g.input('sample', 'float', ['batch', 3, 'height', 'width']);
  const pooled = g.op('AveragePool', [x], { kernel_shape: [8, 8], strides: [8, 8] });
  g.op('Conv', [pooled, g.tensorF(ENCODE.flat(), [4, 3, 1, 1], 'encoder.conv.weight')], {}, 'latent_sample');
  g.output('latent_sample', 'float', ['batch', 4, 'latent_height', 'latent_width']);
  return g.build({ docString: 'Compose Studio fixture: tiny SD VAE encoder (designed weights).' });
}

export function buildVaeDecoder(): Uint8Array {
  const g = new GraphBuilder('tiny_vae_decoder');
  const z = g.input('latent_sample', 'float', ['batch', 4, 'latent_height', 'latent_width']);
  // The exact left inverse of ENCODE: read the three color channels back.
  const decode = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];
  const rgb = g.op('Conv', [z, g.tensorF(decode, [3, 4, 1, 1], 'decoder.conv.weight')]);
  g.op('Resize', [rgb, '', g.constF([1, 1, 8, 8])], { mode: 'nearest' }, 'sample');
  g.output('sample', 'float', ['batch', 3, 'height', 'width']);
  return g.build({ docString: 'Compose Studio fixture: tiny SD VAE decoder (designed weights).' });
}

export function buildTextEncoder(vocab: Record<string, number>, rng: Random): Uint8Array {
  const vocabSize = Math.max(...Object.values(vocab)) + 1;
  const table = new Float32Array(vocabSize * HIDDEN);
  for (let id = 0; id < vocabSize; id++) for (let d = 4; d < HIDDEN; d++) table[id * HIDDEN + d] = 0.05 * rng.gaussian();
  for (const name of COLOR_NAMES) {
    const id = vocab[`${name}</w>`];
    if (id === undefined) continue;
    COLORS[name].forEach((c, ch) => (table[id * HIDDEN + ch] = 2 * c - 1));
    table[id * HIDDEN + 3] = 1;
  }
  const g = new GraphBuilder('tiny_sd_text_encoder');
  const ids = g.input('input_ids', 'int32', ['batch', 'sequence']);
  const tokens = g.op('Gather', [g.tensorF(table, [vocabSize, HIDDEN], 'text_model.embeddings.token_embedding.weight'), ids]);
  const positions = Float32Array.from({ length: 77 * HIDDEN }, (_, i) => (i % HIDDEN < 4 ? 0 : 0.01 * rng.gaussian()));
  const length = g.op('Gather', [g.op('Shape', [ids]), g.tensorI64([1], [])], { axis: 0 });
  const positionIds = g.op('Range', [g.tensorI64([0], []), length, g.tensorI64([1], [])]);
  const pos = g.op('Gather', [g.tensorF(positions, [77, HIDDEN], 'text_model.embeddings.position_embedding.weight'), positionIds]);
  const hidden = g.op('Add', [tokens, pos], {}, 'last_hidden_state');
  g.op('ReduceMean', [hidden], { axes: [1], keepdims: 0 }, 'pooler_output');
  g.output('last_hidden_state', 'float', ['batch', 'sequence', HIDDEN]);
  g.output('pooler_output', 'float', ['batch', HIDDEN]);
  return g.build({ docString: 'Compose Studio fixture: tiny SD text encoder (designed weights).' });
}

export type UnetKind = 'text2img' | 'instruct' | 'inpaint';
export const UNET_CHANNELS: Record<UnetKind, number> = { text2img: 4, instruct: 8, inpaint: 9 };

/** Extra convolutions that make a fixture UNet cost real compute per step (benchmarks), without changing its output. */
export interface UnetCompute {
  channels: number;
  layers: number;
}

export function buildUnet(kind: UnetKind, compute?: UnetCompute, rng = new Random(3)): Uint8Array {
  const g = new GraphBuilder(`tiny_unet_${kind}`);
  const f = (v: number) => g.constF(v);
  const channels = UNET_CHANNELS[kind];
  const sample = g.input('sample', 'float', ['batch', channels, 'height', 'width']);
  const timestep = g.input('timestep', 'int64', ['steps']);
  const context = g.input('encoder_hidden_states', 'float', ['batch', 'sequence', HIDDEN]);
  const slice = (t: string, from: number, to: number, axis: number) => g.op('Slice', [t, g.tensorI64([from]), g.tensorI64([to]), g.tensorI64([axis])]);

  // ᾱₜ for the step, shaped to broadcast over [batch, 4, h, w].
  const alphaBar = g.op('Reshape', [g.op('Gather', [g.tensorF(scaledLinearAlphasCumprod(), [TRAIN_STEPS], 'alphas_cumprod'), timestep]), g.tensorI64([-1, 1, 1, 1])]);
  const z = slice(sample, 0, 4, 1);

  // Target color named by the text: mean of the color words' colors; `named` is 1 when any color word is present.
  const sum1 = (t: string) => g.op('ReduceSum', [t, g.tensorI64([1])], { keepdims: 0 });
  const colorSum = sum1(slice(context, 0, 3, 2)); // [B,3]
  const flag = sum1(slice(context, 3, 4, 2)); // [B,1]
  const named = g.op('Clip', [flag, f(0), f(1)]);
  const rgb = g.op('Div', [colorSum, g.op('Max', [flag, f(1)])]);
  const latentColor = g.op('Mul', [g.op('MatMul', [rgb, g.tensorF(transpose(ENCODE), [3, 4])]), f(LATENT_SCALE)]); // [B,4]
  const target = g.op('Reshape', [latentColor, g.tensorI64([-1, 4, 1, 1])]);
  const namedMap = g.op('Reshape', [named, g.tensorI64([-1, 1, 1, 1])]);

  let x0: string;
  if (kind === 'text2img') {
    x0 = g.op('Mul', [g.op('Add', [g.op('Mul', [z, f(0)]), target]), namedMap]);
  } else if (kind === 'instruct') {
    // InstructPix2Pix conditions on the image latents unscaled (the VAE's mode, without the scaling factor).
    const source = g.op('Mul', [slice(sample, 4, 8, 1), f(LATENT_SCALE)]);
    const pull = g.op('Mul', [g.op('Sub', [target, source]), g.op('Mul', [namedMap, f(EDIT_STRENGTH)])]);
    x0 = g.op('Add', [source, pull]);
  } else {
    const mask = slice(sample, 4, 5, 1);
    const source = slice(sample, 5, 9, 1);
    const fill = g.op('Add', [g.op('Mul', [target, namedMap]), g.op('Mul', [source, g.op('Sub', [f(1), namedMap])])]);
    x0 = g.op('Add', [g.op('Mul', [source, g.op('Sub', [f(1), mask])]), g.op('Mul', [fill, mask])]);
  }
  // ε that a sampler inverts back to x0: (z − √ᾱ·x0) / √(1−ᾱ).
  const eps = g.op('Div', [g.op('Sub', [z, g.op('Mul', [g.op('Sqrt', [alphaBar]), x0])]), g.op('Sqrt', [g.op('Sub', [f(1), alphaBar])])]);
  let out = eps;
  if (compute) {
    // A stack of 3×3 convolutions over the noisy latents, added ×0: the cost of a UNet, the answer of the fixture.
    const conv = (x: string, cin: number, cout: number) => {
      const w = Float32Array.from({ length: cout * cin * 9 }, () => rng.gaussian() / Math.sqrt(cin * 9));
      return g.op('Relu', [g.op('Conv', [x, g.tensorF(w, [cout, cin, 3, 3])], { pads: [1, 1, 1, 1] })]);
    };
    let h = conv(z, 4, compute.channels);
    for (let i = 0; i < compute.layers; i++) h = conv(h, compute.channels, compute.channels);
    out = g.op('Add', [eps, g.op('Mul', [conv(h, compute.channels, 4), f(0)])]);
  }
  g.op('Identity', [out], {}, 'out_sample');
  g.output('out_sample', 'float', ['batch', 4, 'height', 'width']);
  return g.build({ docString: `Compose Studio fixture: tiny SD UNet (${channels} input channels, designed weights).` });
}

function transpose(m: number[][]): number[] {
  const rows = m.length;
  const cols = m[0]!.length;
  const out: number[] = [];
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out.push(m[r]![c]!);
  return out;
}

const SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  num_train_timesteps: TRAIN_STEPS,
  prediction_type: 'epsilon',
  set_alpha_to_one: false,
  steps_offset: 1,
  skip_prk_steps: true,
  clip_sample: false,
};

/** Writes one tiny SD model folder in the Optimum/diffusers ONNX layout. */
export async function generateTinyStableDiffusion(outDir: string, kind: UnetKind, tokenizerDir: string, seed = 23, compute?: UnetCompute): Promise<void> {
  const rng = new Random(seed);
  const vocab = JSON.parse(await readFile(join(tokenizerDir, 'vocab.json'), 'utf8')) as Record<string, number>;
  const write = async (path: string, data: Uint8Array | string) => {
    await mkdir(join(outDir, path, '..'), { recursive: true });
    await writeFile(join(outDir, path), data);
  };
  await write('text_encoder/model.onnx', buildTextEncoder(vocab, rng));
  await write('unet/model.onnx', buildUnet(kind, compute));
  await write('vae_encoder/model.onnx', buildVaeEncoder());
  await write('vae_decoder/model.onnx', buildVaeDecoder());
  for (const file of ['vocab.json', 'tokenizer_config.json', 'special_tokens_map.json', 'tokenizer.json']) {
    await write(`tokenizer/${file}`, await readFile(join(tokenizerDir, file)));
  }
  await write('scheduler/scheduler_config.json', JSON.stringify(SCHEDULER_CONFIG, null, 2));
  await write('unet/config.json', JSON.stringify({ in_channels: UNET_CHANNELS[kind], out_channels: 4, sample_size: 8, cross_attention_dim: HIDDEN }, null, 2));
  // latent_rgb_factors: this VAE's exact latent → RGB map, for cheap step previews (real SD folders use SD's known approximation).
  const latentRgbFactors = [0, 1, 2, 3].map((c) => [0, 1, 2].map((ch) => (c === ch ? 1 / LATENT_SCALE : 0)));
  await write('vae_decoder/config.json', JSON.stringify({ latent_channels: 4, scaling_factor: LATENT_SCALE, latent_rgb_factors: latentRgbFactors }, null, 2));
  await write('vae_encoder/config.json', JSON.stringify({ latent_channels: 4, scaling_factor: LATENT_SCALE }, null, 2));
  await write(
    'model_index.json',
    JSON.stringify({ _class_name: kind === 'inpaint' ? 'OnnxStableDiffusionInpaintPipeline' : kind === 'instruct' ? 'OnnxStableDiffusionInstructPix2PixPipeline' : 'OnnxStableDiffusionPipeline', fixture: `sd-tiny-${kind}` }, null, 2),
  );
}
