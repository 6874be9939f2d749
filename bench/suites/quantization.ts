import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ensureFixtures, ensureRealSizeClip } from '../../models/fixtures';
import { loadPreprocessConfig, preprocessImage } from '../../src-main/engine/clip/preprocess';
import type { Figure } from './figure';

const BATCH = 16;
const ROUNDS = 8;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

interface Variant {
  name: string;
  session: ort.InferenceSession;
  seconds: number;
  /** Seconds per round, for the per-round ratios. */
  rounds: number[];
  embeds: Float32Array | null;
}

function cosineRows(a: Float32Array, b: Float32Array, dim: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < a.length / dim; r++) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = r * dim; i < (r + 1) * dim; i++) {
      ab += a[i]! * b[i]!;
      aa += a[i]! ** 2;
      bb += b[i]! ** 2;
    }
    out.push(ab / Math.sqrt(aa * bb));
  }
  return out;
}

/**
 * The ViT-B/32-size image encoder (random weights) on the CPU in fp32 and in 8 bits (onnx/vision_model_quantized.onnx,
 * DynamicQuantizeLinear + MatMulInteger, as ONNX Runtime's dynamic quantizer writes it). Batches of 16 preprocessed
 * images, the two variants alternating round by round in one process so that load from other work on the machine falls
 * on both alike: the ratio is the figure to read, not the absolute images/s. Also how close the 8-bit embeddings stay
 * to fp32 (cosine).
 */
export async function quantizedClip(log: (line: string) => void): Promise<Figure[]> {
  const root = process.cwd();
  const dir = await ensureRealSizeClip(root, log);
  const paths = await ensureFixtures(root, log);
  const labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8')) as { file: string }[];
  const config = await loadPreprocessConfig(dir);
  const plane = 3 * config.width * config.height;
  const pixels = new Float32Array(BATCH * plane);
  for (let i = 0; i < BATCH; i++) pixels.set(await preprocessImage(join(paths.world, labels[i]!.file), config), i * plane);
  const feed = { pixel_values: new ort.Tensor('float32', pixels, [BATCH, 3, config.height, config.width]) };

  const options: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: Math.max(1, cpus().length), graphOptimizationLevel: 'all' };
  const variants: Variant[] = [];
  for (const [name, file] of [
    ['fp32', 'vision_model.onnx'],
    ['int8 (dynamic)', 'vision_model_quantized.onnx'],
  ] as const) {
    variants.push({ name, session: await ort.InferenceSession.create(join(dir, 'onnx', file), options), seconds: 0, rounds: [], embeds: null });
  }
  try {
    for (const v of variants) v.embeds = (await v.session.run(feed)).image_embeds!.data as Float32Array; // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so neither always runs right after the other.
      for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
        const t0 = performance.now();
        await v.session.run(feed);
        const seconds = (performance.now() - t0) / 1000;
        v.seconds += seconds;
        v.rounds.push(seconds);
      }
      log(`bench: quantization round ${r + 1}/${ROUNDS}: ${variants.map((v) => `${v.name} ${round(((r + 1) * BATCH) / v.seconds, 1)}/s`).join(', ')}`);
    }
  } finally {
    for (const v of variants) await v.session.release();
  }
  const [fp32, int8] = variants as [Variant, Variant];
  const rate = (v: Variant) => (ROUNDS * BATCH) / v.seconds;
  // Each round's fp32 and int8 batches ran back to back: their ratio sees the same load; the median drops rounds where
  // the load changed between the two.
  const ratios = fp32.rounds.map((t, i) => t / int8.rounds[i]!).sort((a, b) => a - b);
  const median = (ratios[(ratios.length - 1) >> 1]! + ratios[ratios.length >> 1]!) / 2;
  const cosines = cosineRows(fp32.embeds!, int8.embeds!, fp32.embeds!.length / BATCH);
  return [
    { name: 'ViT-B/32-size image encoder, CPU, fp32 (batches of 16, interleaved)', value: round(rate(fp32), 1), unit: 'images/s' },
    { name: 'ViT-B/32-size image encoder, CPU, int8 dynamic (same run)', value: round(rate(int8), 1), unit: 'images/s' },
    {
      name: 'int8 ÷ fp32 image throughput, CPU (median of per-round ratios)',
      value: round(median),
      unit: '×',
      target: '≥ 2×',
      note: `rounds ${round(ratios[0]!)}–${round(ratios.at(-1)!)}×, totals ${round(rate(int8) / rate(fp32))}×; fp16 not measured here: ONNX Runtime’s CPU provider lacks fp16 kernels for these ops; fp16 is the GPU variant`,
    },
    {
      name: 'int8 vs fp32 image embeddings, cosine (min over 16 images)',
      value: round(Math.min(...cosines), 4),
      unit: '',
      note: 'random weights: real weights have other value ranges; check real models with models check',
    },
  ];
}
