import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphBuilder } from '../../src-main/engine/models/onnx/graph-builder';
import { Random } from '../scene-world/random';
import { shapeMoments } from '../scene-world/shapes';
import { COLOR_NAMES, COLORS, FEATURES, SHAPES, WORD_FEATURES, featureIndex } from '../scene-world/vocabulary';
import { orthonormalRows } from './linear-algebra';

/**
 * "Scene CLIP": a fixture with the exact signatures of the Hugging Face CLIP ViT-B/32 ONNX exports
 * (onnx/vision_model.onnx: pixel_values → image_embeds, last_hidden_state; onnx/text_model.onnx: input_ids,
 * attention_mask → text_embeds, last_hidden_state) whose weights are designed, not trained:
 *
 * - the image tower measures interpretable features of the picture — which basic colors the object has, its shape
 *   (from scale-free moments), where it is, how large it is, and the background color;
 * - the text tower looks each token up in a real-vocabulary embedding table (a Gather fed by input_ids, as in real
 *   exports) where color, shape, position and size words point at the same features, sums them under the attention
 *   mask, and projects;
 * - both project the shared feature space into 512 dimensions with the same orthonormal map,
 * so "a red circle" really ranks red circles first.
 */

export const EMBED_DIM = 512;
const SIZE = 224;
const POOL = 8;
const TEMPERATURE = 40;
const BORDER = 2;
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** The vision tower's input: its side in pixels, and whether pixels arrive CLIP-normalized (mean/std) or as plain [0, 1] RGB. */
export interface VisionInput {
  size: number;
  normalized: boolean;
}
export const CLIP_INPUT: VisionInput = { size: SIZE, normalized: true };

function gridCoordinates(grid: number): { x: number[]; y: number[]; border: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  const border: number[] = [];
  for (let i = 0; i < grid; i++) {
    for (let j = 0; j < grid; j++) {
      x.push((j + 0.5) / grid);
      y.push((i + 0.5) / grid);
      border.push(i < BORDER || j < BORDER || i >= grid - BORDER || j >= grid - BORDER ? 1 : 0);
    }
  }
  const count = border.reduce((a, b) => a + b, 0);
  return { x, y, border: border.map((b) => b / count) };
}

export function buildVisionModel(projection: Float32Array, input: VisionInput = CLIP_INPUT): Uint8Array {
  const g = new GraphBuilder('scene_clip_vision');
  const GRID = input.size / POOL; // 28 for CLIP's 224, 32 for MobileCLIP's 256
  const CELLS = GRID * GRID;
  const K = COLOR_NAMES.length;
  const S = SHAPES.length;
  const f = (v: number) => g.constF(v);
  const axes1 = g.tensorI64([1]);
  const sum1 = (t: string) => g.op('ReduceSum', [t, axes1], { keepdims: 1 });
  const clip01 = (t: string) => g.op('Clip', [t, f(0), f(1)]);

  const px = g.input('pixel_values', 'float', ['batch_size', 3, input.size, input.size]);
  // RGB in [0, 1] (undoing CLIP's normalization where the input has it), then 8×8 blocks averaged into a grid.
  const rgb = input.normalized ? g.op('Add', [g.op('Mul', [px, g.constF(CLIP_STD, [1, 3, 1, 1])]), g.constF(CLIP_MEAN, [1, 3, 1, 1])]) : px;
  const pooled = g.op('AveragePool', [rgb], { kernel_shape: [POOL, POOL], strides: [POOL, POOL] });
  const cells = g.op('Transpose', [g.op('Reshape', [pooled, g.tensorI64([0, 3, CELLS])])], { perm: [0, 2, 1] }, 'last_hidden_state');

  // Soft membership of every cell in each basic color: softmax over −τ·‖p − c‖² (the ‖p‖² term cancels).
  const C2 = new Float32Array(3 * K);
  const bias = new Float32Array(K);
  COLOR_NAMES.forEach((name, k) => {
    const c = COLORS[name];
    for (let ch = 0; ch < 3; ch++) C2[ch * K + k] = 2 * TEMPERATURE * c[ch]!;
    bias[k] = -TEMPERATURE * (c[0] ** 2 + c[1] ** 2 + c[2] ** 2);
  });
  const membership = g.op('Softmax', [g.op('Add', [g.op('MatMul', [cells, g.tensorF(C2, [3, K])]), g.tensorF(bias, [K])])], { axis: -1 });

  // Background = the color histogram of the border ring; object = cells unlike it.
  const { x, y, border } = gridCoordinates(GRID);
  const bgHist = g.op('MatMul', [g.tensorF(border, [1, CELLS]), membership]); // [B,1,K]
  const bgLikeness = g.op('MatMul', [membership, g.op('Transpose', [bgHist], { perm: [0, 2, 1] })]); // [B,784,1]
  const bgSelf = g.op('ReduceSum', [g.op('Mul', [bgHist, bgHist]), g.tensorI64([2])], { keepdims: 1 }); // [B,1,1]
  const object3 = clip01(g.op('Sub', [f(1), g.op('Div', [bgLikeness, g.op('Add', [bgSelf, f(1e-6)])])]));
  const object = g.op('Reshape', [object3, g.tensorI64([0, CELLS])]); // [B,CELLS]

  const mass = g.op('Add', [sum1(object), f(1e-3)]); // [B,1]
  const area = g.op('Div', [sum1(object), f(CELLS)]);
  const objectness = clip01(g.op('Mul', [area, f(50)]));

  const objectHist = g.op('Reshape', [g.op('MatMul', [g.op('Unsqueeze', [object, axes1]), membership]), g.tensorI64([0, K])]);
  const objectColor = g.op('Mul', [g.op('Div', [objectHist, mass]), objectness]);

  // Centroid and central moments of the object mask.
  const X = g.tensorF(x, [1, CELLS]);
  const Y = g.tensorF(y, [1, CELLS]);
  const mean = (t: string) => g.op('Div', [sum1(g.op('Mul', [object, t])), mass]);
  const cx = mean(X);
  const cy = mean(Y);
  const dx = g.op('Sub', [X, cx]);
  const dy = g.op('Sub', [Y, cy]);
  const dx2 = g.op('Mul', [dx, dx]);
  const dy2 = g.op('Mul', [dy, dy]);
  const mxx = mean(dx2);
  const myy = mean(dy2);
  const mxxyy = mean(g.op('Mul', [dx2, dy2]));
  const rho = g.op('Div', [mxxyy, g.op('Add', [g.op('Mul', [mxx, myy]), f(1e-9)])]);
  const nsm = g.op('Div', [g.op('Add', [mxx, myy]), g.op('Add', [area, f(1e-6)])]);

  // Shape scores: closeness of (ρ, normalized second moment) to each ideal shape's, calibrated from its geometry.
  const protos = SHAPES.map((s) => shapeMoments(s));
  const dRho = g.op('Div', [g.op('Sub', [rho, g.constF(protos.map((p) => p.rho), [1, S])]), f(0.12)]);
  const dNsm = g.op('Div', [g.op('Sub', [nsm, g.constF(protos.map((p) => p.nsm), [1, S])]), f(0.012)]);
  const closeness = g.op('Exp', [g.op('Neg', [g.op('Add', [g.op('Mul', [dRho, dRho]), g.op('Mul', [dNsm, dNsm])])])]);
  const shape = g.op('Mul', [g.op('Div', [closeness, g.op('Add', [sum1(closeness), f(1e-6)])]), objectness]);

  // Layout (position, size) and background count half as much as what the object is, as in CLIP, where content
  // dominates composition.
  const LAYOUT = 0.5;
  const ramp = (t: string) => g.op('Mul', [clip01(g.op('Mul', [t, f(4)])), g.op('Mul', [objectness, f(LAYOUT)])]);
  const left = ramp(g.op('Sub', [f(0.5), cx]));
  const right = ramp(g.op('Sub', [cx, f(0.5)]));
  const top = ramp(g.op('Sub', [f(0.5), cy]));
  const bottom = ramp(g.op('Sub', [cy, f(0.5)]));
  const large = g.op('Mul', [g.op('Sigmoid', [g.op('Mul', [g.op('Sub', [area, f(0.11)]), f(60)])]), g.op('Mul', [objectness, f(LAYOUT)])]);
  const small = g.op('Mul', [g.op('Sigmoid', [g.op('Mul', [g.op('Sub', [f(0.06), area]), f(80)])]), g.op('Mul', [objectness, f(LAYOUT)])]);
  const background = g.op('Mul', [g.op('Reshape', [bgHist, g.tensorI64([0, K])]), f(0.5)]);

  const features = g.op('Concat', [objectColor, shape, left, right, top, bottom, large, small, background], { axis: 1 });
  g.op('MatMul', [features, g.tensorF(projection, [FEATURES.length, EMBED_DIM], 'visual_projection.weight')], {}, 'image_embeds');
  g.output('image_embeds', 'float', ['batch_size', EMBED_DIM]);
  g.output('last_hidden_state', 'float', ['batch_size', CELLS, 3]);
  void cells;
  return g.build({ docString: 'Compose Studio fixture: scene CLIP vision tower (designed weights, not trained).' });
}

/**
 * The text tower. With `fixedLength` it has the OpenCLIP-style interface of the MobileCLIP exports: input_ids only, of a
 * fixed length (77); padding then adds only the (faint) position rows, since the pad/end token's row is zero.
 */
export function buildTextModel(tokenTable: Float32Array, vocabSize: number, positionTable: Float32Array, projection: Float32Array, fixedLength?: number): Uint8Array {
  const H = FEATURES.length;
  const g = new GraphBuilder('scene_clip_text');
  const ids = g.input('input_ids', 'int64', ['batch_size', fixedLength ?? 'sequence_length']);
  const mask = fixedLength ? null : g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const tokens = g.op('Gather', [g.tensorF(tokenTable, [vocabSize, H], 'text_model.embeddings.token_embedding.weight'), ids]);
  const length = g.op('Gather', [g.op('Shape', [ids]), g.tensorI64([1], [])], { axis: 0 });
  const positionIds = g.op('Range', [g.tensorI64([0], []), length, g.tensorI64([1], [])]);
  const positions = g.op('Gather', [g.tensorF(positionTable, [77, H], 'text_model.embeddings.position_embedding.weight'), positionIds]);
  const summed = g.op('Add', [tokens, positions]);
  const hidden = mask ? g.op('Mul', [summed, g.op('Unsqueeze', [g.op('Cast', [mask], { to: 1 }), g.tensorI64([2])])], {}, 'last_hidden_state') : summed;
  const pooled = g.op('ReduceSum', [hidden, g.tensorI64([1])], { keepdims: 0 });
  g.op('MatMul', [pooled, g.tensorF(projection, [H, EMBED_DIM], 'text_projection.weight')], {}, 'text_embeds');
  g.output('text_embeds', 'float', ['batch_size', EMBED_DIM]);
  if (mask) g.output('last_hidden_state', 'float', ['batch_size', 'sequence_length', H]);
  return g.build({ docString: 'Compose Studio fixture: scene CLIP text tower (designed weights, not trained).' });
}

/** The token table: words of the scene world point at their features; every other token is faint noise; specials are zero. */
export function buildTokenTable(vocab: Record<string, number>, rng: Random): { table: Float32Array; vocabSize: number; missing: string[] } {
  const H = FEATURES.length;
  const vocabSize = Math.max(...Object.values(vocab)) + 1;
  const table = new Float32Array(vocabSize * H);
  for (let i = 0; i < table.length; i++) table[i] = 0.02 * rng.gaussian();
  const missing: string[] = [];
  for (const [word, features] of Object.entries(WORD_FEATURES)) {
    const id = vocab[`${word}</w>`];
    if (id === undefined) {
      missing.push(word);
      continue;
    }
    table.fill(0, id * H, (id + 1) * H);
    for (const feature of features) table[id * H + featureIndex(feature)] = 1;
  }
  for (const special of ['<|startoftext|>', '<|endoftext|>']) {
    const id = vocab[special];
    if (id !== undefined) table.fill(0, id * H, (id + 1) * H);
  }
  return { table, vocabSize, missing };
}

export const SCENE_CLIP_SEED = 11;

/** The map from the feature space into the 512-d embedding space (the first draw from the seed), for fixtures that live in that space. */
export function sceneClipProjection(seed = SCENE_CLIP_SEED, rng = new Random(seed)): Float32Array {
  return orthonormalRows(FEATURES.length, EMBED_DIM, rng);
}

/** Writes the scene-CLIP model folder in the Hugging Face ONNX export layout. */
export async function generateSceneClip(outDir: string, tokenizerDir: string, seed = SCENE_CLIP_SEED): Promise<void> {
  const rng = new Random(seed);
  const tokenizerJson = await readFile(join(tokenizerDir, 'tokenizer.json'), 'utf8');
  const vocab = (JSON.parse(tokenizerJson) as { model: { vocab: Record<string, number> } }).model.vocab;
  const projection = sceneClipProjection(seed, rng);
  const { table, vocabSize, missing } = buildTokenTable(vocab, rng);
  if (missing.length) throw new Error(`scene-world words missing from the CLIP vocabulary: ${missing.join(', ')}`);
  const positions = Float32Array.from({ length: 77 * FEATURES.length }, () => 0.001 * rng.gaussian());

  await mkdir(join(outDir, 'onnx'), { recursive: true });
  await writeFile(join(outDir, 'onnx', 'vision_model.onnx'), buildVisionModel(projection));
  await writeFile(join(outDir, 'onnx', 'text_model.onnx'), buildTextModel(table, vocabSize, positions, projection));
  for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    await writeFile(join(outDir, file), await readFile(join(tokenizerDir, file)));
  }
  await writeFile(
    join(outDir, 'preprocessor_config.json'),
    JSON.stringify(
      {
        crop_size: { height: SIZE, width: SIZE },
        do_center_crop: true,
        do_convert_rgb: true,
        do_normalize: true,
        do_rescale: true,
        do_resize: true,
        image_mean: CLIP_MEAN,
        image_std: CLIP_STD,
        resample: 3,
        rescale_factor: 1 / 255,
        size: { shortest_edge: SIZE },
      },
      null,
      2,
    ),
  );
  await writeFile(
    join(outDir, 'config.json'),
    JSON.stringify({ model_type: 'clip', projection_dim: EMBED_DIM, fixture: 'scene-clip', features: FEATURES }, null, 2),
  );
}
