import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { onnx } from '../src-main/engine/models/onnx/onnx-proto';
import { withHalfInterface } from './generators/half-interface';

/**
 * Fixture models laid out like the real repositories the manifest downloads from, so downloads, loading and
 * `models check` go through the same paths as with real weights: variant file names (Transformers.js: _fp16,
 * _quantized, _int8), external weights (unet/weights.pb, unet/model.onnx_data), tokenizer/ with vocab.json + merges.txt
 * only, no scheduler/ folder, fp16 interfaces. The weights stay the fixtures' (an 8-bit name holds the fp32 graph).
 */

async function write(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}

/**
 * Moves the float weights into one external file beside the graph, as exports of models over 2 GB do (small integer
 * tensors such as shapes stay inline, as ONNX's converter leaves them).
 */
export function withExternalData(bytes: Uint8Array, location: string): { graph: Uint8Array; data: Uint8Array } {
  const model = onnx.ModelProto.decode(bytes);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const floats = new Set<number>([onnx.TensorProto.DataType.FLOAT, onnx.TensorProto.DataType.FLOAT16]);
  for (const tensor of model.graph?.initializer ?? []) {
    const raw = tensor.rawData;
    if (!raw || raw.length < 16 || !floats.has(tensor.dataType ?? 0)) continue;
    tensor.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.rawData = new Uint8Array(0);
    chunks.push(raw);
    offset += raw.length;
  }
  if (offset === 0) throw new Error('The graph has no float weights to move out.');
  const data = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  return { graph: onnx.ModelProto.encode(model).finish(), data };
}

/** Gives a model int32 integer inputs (Casts to int64 inside), as some exports take their token ids. */
export function withInt32Inputs(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const INT64 = onnx.TensorProto.DataType.INT64;
  const casts: onnx.INodeProto[] = [];
  for (const input of graph.input ?? []) {
    if (input.type?.tensorType?.elemType !== INT64) continue;
    const name = input.name!;
    for (const node of graph.node ?? []) node.input = (node.input ?? []).map((n) => (n === name ? `${name}__i64` : n));
    casts.push({ opType: 'Cast', name: `cast_${name}`, input: [name], output: [`${name}__i64`], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: INT64 }] });
    input.type.tensorType.elemType = onnx.TensorProto.DataType.INT32;
  }
  graph.node = [...casts, ...(graph.node ?? [])];
  return onnx.ModelProto.encode(model).finish();
}

/** merges.txt as the Hugging Face CLIP tokenizer ships it, from a tokenizer.json. */
async function mergesFrom(tokenizerJson: string): Promise<string> {
  const merges = (JSON.parse(await readFile(tokenizerJson, 'utf8')) as { model: { merges: (string | string[])[] } }).model.merges;
  return `#version: 0.2\n${merges.map((m) => (Array.isArray(m) ? m.join(' ') : m)).join('\n')}\n`;
}

/**
 * A Transformers.js CLIP repository (Xenova/clip-vit-base-patch32, mobileclip_*): onnx/{vision,text}_model.onnx and
 * their _fp16 (float16 interface), _quantized and _int8 siblings, tokenizer and configs at the top.
 */
export async function xenovaClipLayout(fixture: string, dest: string): Promise<void> {
  await rm(dest, { recursive: true, force: true });
  await cp(fixture, dest, { recursive: true });
  for (const tower of ['vision_model', 'text_model']) {
    const fp32 = await readFile(join(fixture, 'onnx', `${tower}.onnx`));
    await write(join(dest, 'onnx', `${tower}_fp16.onnx`), withHalfInterface(fp32));
    await write(join(dest, 'onnx', `${tower}_quantized.onnx`), fp32);
    await write(join(dest, 'onnx', `${tower}_int8.onnx`), fp32);
  }
}

export interface SdLayoutOptions {
  /** The UNet's external weights file: weights.pb (nmkd, runwayml) or model.onnx_data (Optimum, LCM); none inline. */
  unetWeights: 'weights.pb' | 'model.onnx_data' | null;
  /** float16 inputs and outputs on every part, as fp16 exports have. */
  fp16: boolean;
  /** Keep scheduler/scheduler_config.json (TensorStack's InstructPix2Pix has none). */
  scheduler: boolean;
}

/** A diffusers ONNX repository: text_encoder/, unet/, vae_encoder/, vae_decoder/, tokenizer/ with vocab+merges only. */
export async function diffusersOnnxLayout(fixture: string, dest: string, options: SdLayoutOptions): Promise<void> {
  await rm(dest, { recursive: true, force: true });
  const half = (bytes: Uint8Array) => (options.fp16 ? withHalfInterface(bytes) : bytes);
  for (const part of ['text_encoder', 'vae_encoder', 'vae_decoder']) {
    await write(join(dest, part, 'model.onnx'), half(await readFile(join(fixture, part, 'model.onnx'))));
  }
  const unet = half(await readFile(join(fixture, 'unet', 'model.onnx')));
  if (options.unetWeights) {
    const { graph, data } = withExternalData(unet, options.unetWeights);
    await write(join(dest, 'unet', 'model.onnx'), graph);
    await write(join(dest, 'unet', options.unetWeights), data);
  } else {
    await write(join(dest, 'unet', 'model.onnx'), unet);
  }
  for (const file of ['vocab.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    await cp(join(fixture, 'tokenizer', file), join(dest, 'tokenizer', file));
  }
  await write(join(dest, 'tokenizer', 'merges.txt'), await mergesFrom(join(fixture, 'tokenizer', 'tokenizer.json')));
  if (options.scheduler) await cp(join(fixture, 'scheduler', 'scheduler_config.json'), join(dest, 'scheduler', 'scheduler_config.json'));
  await cp(join(fixture, 'model_index.json'), join(dest, 'model_index.json'));
}

interface ManifestLike {
  models: { id: string; download: { repo: string; revision: string } | null; files: { path: string; sha256: string | null; bytes: number | null }[] }[];
}

/**
 * The manifest with the fixtures' hashes in place of the real weights' published ones (paths, revisions and which files
 * are pinned stay), so a download of a fixture layout is verified the way a real one is.
 */
export async function pinToFixtures<M extends ManifestLike>(manifest: M, folders: Record<string, string>): Promise<M> {
  const copy = structuredClone(manifest);
  for (const model of copy.models) {
    const folder = folders[model.id];
    if (!folder) continue;
    for (const file of model.files) {
      if (!file.sha256 && file.bytes === null) continue;
      const data = await readFile(join(folder, file.path)).catch(() => null);
      if (!data) continue;
      if (file.sha256) file.sha256 = createHash('sha256').update(data).digest('hex');
      if (file.bytes !== null) file.bytes = data.length;
    }
  }
  return copy;
}
