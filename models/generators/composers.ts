import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphBuilder } from '../../src-main/engine/models/onnx/graph-builder';
import { Random } from '../scene-world/random';
import { FEATURES } from '../scene-world/vocabulary';
import { EMBED_DIM, sceneClipProjection } from './scene-clip';

/**
 * Composer modules with the exact signatures the studio loads (docs/composed-search.md): CLIP4Cir's Combiner, CDD-ICM's
 * gated fusion and a CompoDiff-style denoiser. The builders take any weights (tests use tiny hand-checked ones); the
 * scene fixtures below design weights for the scene-CLIP embedding space so composed queries give meaningful results.
 */

type Matrix = { data: Float32Array; rows: number; cols: number };

const matrix = (rows: number, cols: number, fill: (r: number, c: number) => number = () => 0): Matrix => {
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = fill(r, c);
  return { data, rows, cols };
};

function linear(g: GraphBuilder, x: string, w: Matrix, b: Float32Array, name: string): string {
  return g.op('Add', [g.op('MatMul', [x, g.tensorF(w.data, [w.rows, w.cols], `${name}.weight`)]), g.tensorF(b, [w.cols], `${name}.bias`)]);
}

function l2normalize(g: GraphBuilder, x: string, output?: string): string {
  const norm = g.op('Sqrt', [g.op('Add', [g.op('ReduceSum', [g.op('Mul', [x, x]), g.tensorI64([1])], { keepdims: 1 }), g.constF(1e-12)])]);
  return g.op('Div', [x, norm], {}, output);
}

export interface CombinerWeights {
  dim: number;
  textProjection: Matrix;
  textBias: Float32Array;
  imageProjection: Matrix;
  imageBias: Float32Array;
  hidden: Matrix;
  hiddenBias: Float32Array;
  output: Matrix;
  outputBias: Float32Array;
  scalarHidden: Matrix;
  scalarHiddenBias: Float32Array;
  scalarOut: Matrix;
  scalarOutBias: Float32Array;
}

/** CLIP4Cir's Combiner.combine_features, as its PyTorch code computes it (dropout is identity at inference). */
export function buildCombiner(w: CombinerWeights): Uint8Array {
  const g = new GraphBuilder('combiner');
  const image = g.input('image_features', 'float', ['batch', w.dim]);
  const text = g.input('text_features', 'float', ['batch', w.dim]);
  const textProjected = g.op('Relu', [linear(g, text, w.textProjection, w.textBias, 'text_projection_layer')]);
  const imageProjected = g.op('Relu', [linear(g, image, w.imageProjection, w.imageBias, 'image_projection_layer')]);
  const raw = g.op('Concat', [textProjected, imageProjected], { axis: 1 });
  const combined = g.op('Relu', [linear(g, raw, w.hidden, w.hiddenBias, 'combiner_layer')]);
  const scalar = g.op('Sigmoid', [linear(g, g.op('Relu', [linear(g, raw, w.scalarHidden, w.scalarHiddenBias, 'dynamic_scalar.0')]), w.scalarOut, w.scalarOutBias, 'dynamic_scalar.3')]);
  const mixed = g.op('Add', [g.op('Mul', [scalar, text]), g.op('Mul', [g.op('Sub', [g.constF(1), scalar]), image])]);
  l2normalize(g, g.op('Add', [linear(g, combined, w.output, w.outputBias, 'output_layer'), mixed]), 'combined_features');
  g.output('combined_features', 'float', ['batch', w.dim]);
  return g.build({ docString: 'Compose Studio: CLIP4Cir Combiner signature.' });
}

export interface GatedWeights {
  dim: number;
  /** [4D, D] over [u; v; u⊙v; u−v]. */
  gate: Matrix;
  gateBias: Float32Array;
  transform: Matrix;
  transformBias: Float32Array;
}

/** CDD-ICM's gated fusion: f(u, v) = g⊙h + (1 − g)⊙u, g = σ(W_g z + b_g), h = gelu(W_h z + b_h), z = [u; v; u⊙v; u−v]. */
export function buildGated(w: GatedWeights): Uint8Array {
  const g = new GraphBuilder('gated_fusion');
  const u = g.input('state', 'float', ['batch', w.dim]);
  const v = g.input('condition', 'float', ['batch', w.dim]);
  const z = g.op('Concat', [u, v, g.op('Mul', [u, v]), g.op('Sub', [u, v])], { axis: 1 });
  const gate = g.op('Sigmoid', [linear(g, z, w.gate, w.gateBias, 'gate')]);
  const pre = linear(g, z, w.transform, w.transformBias, 'transform');
  // gelu(x) = x·Φ(x) = 0.5·x·(1 + erf(x/√2)), as PyTorch exports it below opset 20.
  const h = g.op('Mul', [g.op('Mul', [pre, g.constF(0.5)]), g.op('Add', [g.constF(1), g.op('Erf', [g.op('Div', [pre, g.constF(Math.SQRT2)])])])]);
  g.op('Add', [g.op('Mul', [gate, h]), g.op('Mul', [g.op('Sub', [g.constF(1), gate]), u])], {}, 'fused');
  g.output('fused', 'float', ['batch', w.dim]);
  return g.build({ docString: 'Compose Studio: CDD-ICM gated-fusion signature.' });
}

export interface DenoiserDesign {
  dim: number;
  /** Token width of the text condition, and the map from pooled tokens into the embedding space ([hidden, dim]). */
  hidden: number;
  tokenProjection: Float32Array;
  /** How much of the noisy input leaks into x̂₀ at t = T (0 = a perfect predictor). */
  leak: number;
  numTrainTimesteps: number;
}

/**
 * A CompoDiff-signature denoiser predicting x̂₀ = c_I·(1 − ½·coverage(mask)) + text + leak·(t/T)·x_t, text = s/max(|s|, ½)
 * with s = Σ tokens · P: the image condition (less of it the more the region covers), plus the text's direction, plus a
 * little of the noisy input that vanishes as t → 0, so the sampler's steps matter. The null text is the encoder's
 * states of "" (as CompoDiff trains it), which are near zero in the scene CLIP: the floor of ½ keeps them near zero
 * instead of blowing them up to a unit direction, where a word's states (norm ≈ 1) give its unit direction.
 */
export function buildDenoiser(d: DenoiserDesign): Uint8Array {
  const g = new GraphBuilder('compodiff_denoiser');
  const noisy = g.input('noisy_embedding', 'float', ['batch', d.dim]);
  const timestep = g.input('timestep', 'int64', ['batch']);
  const image = g.input('image_condition', 'float', ['batch', d.dim]);
  const tokens = g.input('text_condition', 'float', ['batch', 'sequence', d.hidden]);
  const mask = g.input('mask_condition', 'float', ['batch', 1, 64, 64]);
  const pooled = g.op('ReduceSum', [tokens, g.tensorI64([1])], { keepdims: 0 });
  const summed = g.op('MatMul', [pooled, g.tensorF(d.tokenProjection, [d.hidden, d.dim], 'token_projection')]);
  const length = g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [summed, summed]), g.tensorI64([1])], { keepdims: 1 })]);
  const text = g.op('Div', [summed, g.op('Max', [length, g.constF(0.5)])]);
  const coverage = g.op('ReduceMean', [mask, g.tensorI64([1, 2, 3])], { keepdims: 0 });
  const keep = g.op('Unsqueeze', [g.op('Sub', [g.constF(1), g.op('Mul', [coverage, g.constF(0.5)])]), g.tensorI64([1])]);
  const target = g.op('Add', [g.op('Mul', [image, keep]), text]);
  const tFrac = g.op('Unsqueeze', [g.op('Div', [g.op('Cast', [timestep], { to: 1 }), g.constF(d.numTrainTimesteps)]), g.tensorI64([1])]);
  g.op('Add', [target, g.op('Mul', [g.op('Mul', [tFrac, g.constF(d.leak)]), noisy])], {}, 'model_output');
  g.output('model_output', 'float', ['batch', d.dim]);
  return g.build({ opset: 18, docString: 'Compose Studio: CompoDiff denoiser signature (designed fixture).' });
}

/** Combiner weights whose learned residual is faint noise and whose dynamic scalar sits at ½: a trained-looking sum. */
export function sceneCombinerWeights(dim: number, rng: Random, projected = 64, hidden = 128): CombinerWeights {
  const noise = (rows: number, cols: number, scale: number) => matrix(rows, cols, () => scale * rng.gaussian());
  return {
    dim,
    textProjection: noise(dim, projected, 0.2),
    textBias: new Float32Array(projected),
    imageProjection: noise(dim, projected, 0.2),
    imageBias: new Float32Array(projected),
    hidden: noise(2 * projected, hidden, 0.1),
    hiddenBias: new Float32Array(hidden),
    output: noise(hidden, dim, 0.002),
    outputBias: new Float32Array(dim),
    scalarHidden: noise(2 * projected, hidden, 0.1),
    scalarHiddenBias: new Float32Array(hidden),
    scalarOut: matrix(hidden, 1),
    scalarOutBias: new Float32Array(1),
  };
}

/**
 * Gated-fusion weights: the gate stays near 0.9, and h works in gelu's near-linear range on 0.2·(u + 3v), so
 * f(u, v) ≈ 0.19·u + 0.27·v — each new text outweighs the state it updates, which makes order matter.
 */
export function sceneGatedWeights(dim: number, rng: Random): GatedWeights {
  const block = (r: number, c: number, blocks: number[]) => (r % dim === c ? blocks[Math.floor(r / dim)]! : 0);
  return {
    dim,
    gate: matrix(4 * dim, dim, () => 0.01 * rng.gaussian()),
    gateBias: new Float32Array(dim).fill(Math.log(0.9 / 0.1)),
    transform: matrix(4 * dim, dim, (r, c) => block(r, c, [0.2, 0.6, 0, 0])),
    transformBias: new Float32Array(dim),
  };
}

/** Writes the three scene composers as model folders (composer.onnx + config.json) under `dir`. */
/** Scene-world composers, trained (designed) on the scene CLIP's unit-length features, installed as clip-vit-b32 wherever the studio runs them. */
export async function generateSceneComposers(dir: string, seed = 23): Promise<Record<'combiner' | 'gated' | 'compodiff', string>> {
  const rng = new Random(seed);
  const folders = { combiner: join(dir, 'composer-combiner'), gated: join(dir, 'composer-gated'), compodiff: join(dir, 'composer-compodiff') };
  const write = async (folder: string, model: Uint8Array, config: object) => {
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'composer.onnx'), model);
    await writeFile(join(folder, 'config.json'), JSON.stringify({ embedding_dim: EMBED_DIM, clip_model: 'clip-vit-b32', input_features: 'normalized', ...config }, null, 2));
  };
  await write(folders.combiner, buildCombiner(sceneCombinerWeights(EMBED_DIM, rng)), { composer: 'combiner' });
  await write(folders.gated, buildGated(sceneGatedWeights(EMBED_DIM, rng)), { composer: 'gated' });
  await write(
    folders.compodiff,
    buildDenoiser({ dim: EMBED_DIM, hidden: FEATURES.length, tokenProjection: sceneClipProjection(), leak: 0.2, numTrainTimesteps: 1000 }),
    {
      composer: 'compodiff',
      num_train_timesteps: 1000,
      beta_schedule: 'squaredcos_cap_v2',
      prediction_type: 'sample',
      timestep_spacing: 'trailing',
      default_steps: 10,
      default_weights: { image: 1.5, text: 1.5 },
    },
  );
  return folders;
}
