import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphBuilder } from '../../src-main/engine/models/onnx/graph-builder';
import { Random } from '../scene-world/random';
import { CLIP_MEAN, CLIP_STD } from './scene-clip';

/**
 * CLIP ViT towers with the real architecture and sizes (ViT-B/32: patch embedding, 12 pre-LN transformer layers,
 * widths 768 vision / 512 text, QuickGELU MLPs, causal text attention, end-token pooling, projections to 512) and
 * random weights. For benchmarks only: they cost what the real model costs to run, but mean nothing.
 * Generated on demand, never committed (≈350 MB + 250 MB).
 */

export interface TowerSize {
  width: number;
  layers: number;
  heads: number;
  mlp: number;
}

export interface VisionSize extends TowerSize {
  imageSize: number;
  patch: number;
}
export interface TextSize extends TowerSize {
  vocab: number;
  context: number;
}

export const VIT_B32: { vision: VisionSize; text: TextSize; embedDim: number } = {
  vision: { width: 768, layers: 12, heads: 12, mlp: 3072, imageSize: 224, patch: 32 },
  text: { width: 512, layers: 12, heads: 8, mlp: 2048, vocab: 49408, context: 77 },
  embedDim: 512,
};

class Weights {
  constructor(private readonly rng: Random) {}
  /** Uniform with the standard deviation of CLIP's init (≈0.02): fast and deterministic. */
  random(count: number, std = 0.02): Float32Array {
    const a = std * Math.sqrt(3);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = (this.rng.next() * 2 - 1) * a;
    return out;
  }
}

function layerNorm(g: GraphBuilder, x: string, width: number, name: string): string {
  return g.op('LayerNormalization', [x, g.tensorF(new Float32Array(width).fill(1), [width], `${name}.weight`), g.tensorF(new Float32Array(width), [width], `${name}.bias`)], {
    axis: -1,
    epsilon: { float: 1e-5 },
  });
}

function linear(g: GraphBuilder, w: Weights, x: string, inDim: number, outDim: number, name: string): string {
  const y = g.op('MatMul', [x, g.tensorF(w.random(inDim * outDim), [inDim, outDim], `${name}.weight`)]);
  return g.op('Add', [y, g.tensorF(new Float32Array(outDim), [outDim], `${name}.bias`)]);
}

/** One pre-LN transformer block; `bias` is added to the attention scores (causal and padding masks). */
function block(g: GraphBuilder, w: Weights, x: string, size: TowerSize, name: string, bias: string | null): string {
  const { width, heads, mlp } = size;
  const d = width / heads;
  const y = layerNorm(g, x, width, `${name}.ln_1`);
  const qkv = linear(g, w, y, width, 3 * width, `${name}.attn.in_proj`);
  const [q, k, v] = g.ops('Split', [qkv, g.tensorI64([width, width, width])], { axis: -1 }, 3);
  const heads4 = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, g.tensorI64([0, 0, heads, d])])], { perm });
  let scores = g.op('Mul', [g.op('MatMul', [heads4(q!, [0, 2, 1, 3]), heads4(k!, [0, 2, 3, 1])]), g.constF(1 / Math.sqrt(d))]);
  if (bias) scores = g.op('Add', [scores, bias]);
  const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), heads4(v!, [0, 2, 1, 3])]);
  const merged = g.op('Reshape', [g.op('Transpose', [attended], { perm: [0, 2, 1, 3] }), g.tensorI64([0, 0, width])]);
  const h = g.op('Add', [x, linear(g, w, merged, width, width, `${name}.attn.out_proj`)]);
  const z = layerNorm(g, h, width, `${name}.ln_2`);
  const fc = linear(g, w, z, width, mlp, `${name}.mlp.c_fc`);
  const gelu = g.op('Mul', [fc, g.op('Sigmoid', [g.op('Mul', [fc, g.constF(1.702)])])]);
  return g.op('Add', [h, linear(g, w, gelu, mlp, width, `${name}.mlp.c_proj`)]);
}

export function buildVisionTower(size: VisionSize = VIT_B32.vision, embedDim = VIT_B32.embedDim, seed = 1): Uint8Array {
  const { width, imageSize, patch } = size;
  const w = new Weights(new Random(seed));
  const g = new GraphBuilder('clip_vit_b32_vision_random');
  const px = g.input('pixel_values', 'float', ['batch_size', 3, imageSize, imageSize]);
  const grid = imageSize / patch;
  const tokens = grid * grid + 1;
  const patches = g.op('Conv', [px, g.tensorF(w.random(width * 3 * patch * patch), [width, 3, patch, patch], 'embeddings.patch_embedding.weight')], {
    kernel_shape: [patch, patch],
    strides: [patch, patch],
  });
  const seq = g.op('Transpose', [g.op('Reshape', [patches, g.tensorI64([0, width, grid * grid])])], { perm: [0, 2, 1] });
  const batch = g.op('Gather', [g.op('Shape', [px]), g.tensorI64([0])], { axis: 0 });
  const clsShape = g.op('Concat', [batch, g.tensorI64([1, width])], { axis: 0 });
  const cls = g.op('Expand', [g.tensorF(w.random(width), [1, 1, width], 'embeddings.class_embedding'), clsShape]);
  let x = g.op('Add', [g.op('Concat', [cls, seq], { axis: 1 }), g.tensorF(w.random(tokens * width), [tokens, width], 'embeddings.position_embedding.weight')]);
  x = layerNorm(g, x, width, 'pre_layrnorm');
  for (let i = 0; i < size.layers; i++) x = block(g, w, x, size, `encoder.layers.${i}`, null);
  g.op('Identity', [x], {}, 'last_hidden_state');
  const pooled = layerNorm(g, g.op('Gather', [x, g.tensorI64([0], [])], { axis: 1 }), width, 'post_layernorm');
  g.op('MatMul', [pooled, g.tensorF(w.random(width * embedDim), [width, embedDim], 'visual_projection.weight')], {}, 'image_embeds');
  g.output('image_embeds', 'float', ['batch_size', embedDim]);
  g.output('last_hidden_state', 'float', ['batch_size', tokens, width]);
  return g.build({ docString: 'CLIP ViT-B/32 vision architecture with random weights — for benchmarks only.' });
}

export function buildTextTower(size: TextSize = VIT_B32.text, embedDim = VIT_B32.embedDim, seed = 2): Uint8Array {
  const { width, vocab, context } = size;
  const w = new Weights(new Random(seed));
  const g = new GraphBuilder('clip_vit_b32_text_random');
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const length = g.op('Gather', [g.op('Shape', [ids]), g.tensorI64([1], [])], { axis: 0 });
  const positions = g.op('Range', [g.tensorI64([0], []), length, g.tensorI64([1], [])]);
  let x = g.op('Add', [
    g.op('Gather', [g.tensorF(w.random(vocab * width), [vocab, width], 'text_model.embeddings.token_embedding.weight'), ids]),
    g.op('Gather', [g.tensorF(w.random(context * width, 0.01), [context, width], 'text_model.embeddings.position_embedding.weight'), positions]),
  ]);
  // Causal mask (−1e9 above the diagonal) cut to the sequence length, plus −1e9 on padding.
  const causal = new Float32Array(context * context);
  for (let i = 0; i < context; i++) for (let j = i + 1; j < context; j++) causal[i * context + j] = -1e9;
  const ends = g.op('Concat', [g.op('Unsqueeze', [length, g.tensorI64([0])]), g.op('Unsqueeze', [length, g.tensorI64([0])])], { axis: 0 });
  const causalCut = g.op('Slice', [g.tensorF(causal, [context, context], 'causal_mask'), g.tensorI64([0, 0]), ends]);
  const padding = g.op('Mul', [g.op('Sub', [g.constF(1), g.op('Cast', [mask], { to: 1 })]), g.constF(-1e9)]);
  const bias = g.op('Add', [causalCut, g.op('Unsqueeze', [padding, g.tensorI64([1, 2])])]);
  for (let i = 0; i < size.layers; i++) x = block(g, w, x, size, `text_model.encoder.layers.${i}`, bias);
  const hidden = layerNorm(g, x, width, 'text_model.final_layer_norm');
  g.op('Identity', [hidden], {}, 'last_hidden_state');
  // Pool at the end token (the largest id), as CLIP does.
  const eos = g.op('OneHot', [g.op('ArgMax', [ids], { axis: 1, keepdims: 0 }), length, g.constF([0, 1])], { axis: -1 });
  const pooled = g.op('ReduceSum', [g.op('Mul', [hidden, g.op('Unsqueeze', [eos, g.tensorI64([2])])]), g.tensorI64([1])], { keepdims: 0 });
  g.op('MatMul', [pooled, g.tensorF(w.random(width * embedDim), [width, embedDim], 'text_projection.weight')], {}, 'text_embeds');
  g.output('text_embeds', 'float', ['batch_size', embedDim]);
  g.output('last_hidden_state', 'float', ['batch_size', 'sequence_length', width]);
  return g.build({ docString: 'CLIP ViT-B/32 text architecture with random weights — for benchmarks only.' });
}

/** Writes a CLIP model folder (HF layout) with the real-size random towers and the real tokenizer. */
export async function generateRealSizeClip(outDir: string, tokenizerDir: string): Promise<void> {
  await mkdir(join(outDir, 'onnx'), { recursive: true });
  await writeFile(join(outDir, 'onnx', 'vision_model.onnx'), buildVisionTower());
  await writeFile(join(outDir, 'onnx', 'text_model.onnx'), buildTextTower());
  for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    await writeFile(join(outDir, file), await readFile(join(tokenizerDir, file)));
  }
  await writeFile(
    join(outDir, 'preprocessor_config.json'),
    JSON.stringify({ crop_size: { height: 224, width: 224 }, image_mean: CLIP_MEAN, image_std: CLIP_STD, size: { shortest_edge: 224 } }, null, 2),
  );
}
