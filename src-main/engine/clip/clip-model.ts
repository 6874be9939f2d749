import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ort } from '../shared/native-packages';
import { AppError, type WireError } from '@contract';
import { EMBEDS_INPUT, lookUpRows, rewriteForTokenEmbeddings } from '../models/onnx/token-embedding-rewrite';
import type { RunnableSession, SessionPool } from '../models/session-pool';
import { toWireError } from '../jobs/runner';
import { floatTensor, halfSignature, int32Signature, intTensor, toFloat32 } from '../models/tensor-precision';
import { loadPreprocessConfig, preprocessImage, type PreprocessConfig } from './preprocess';
import { CLIP_TEXT, CLIP_TEXT_EMBEDS, CLIP_VISION } from './signatures';
import { ClipTokenizer, type TokenBatch } from './tokenizer';
import { normalizeRows } from '../shared/vector';
import { AsyncCache } from '../shared/async-cache';

/** A text's token states from the text encoder: [length, hidden], row-major. */
export interface TextTokens {
  states: Float32Array;
  length: number;
  hidden: number;
}

export type ImageInput = string | Buffer;
export type ImageEmbedding = { ok: true; embedding: Float32Array } | { ok: false; error: WireError };

export interface EncodeImagesOptions {
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after each batch with the number of images done. */
  onProgress?: (done: number) => void;
}

/** Finds a model file in the Hugging Face ONNX layout (onnx/<name>.onnx, or <name>.onnx at the top). */
export function modelFile(dir: string, name: string): string {
  const candidates = [join(dir, 'onnx', `${name}.onnx`), join(dir, `${name}.onnx`)];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/**
 * The sequence length a text encoder's input_ids is fixed to, if its export fixes one (OpenCLIP-style exports such as
 * MobileCLIP's take exactly 77 ids; Hugging Face CLIP exports take any length).
 */
export function fixedSequenceLength(session: RunnableSession): number | undefined {
  const ids = session.inputMetadata.find((m) => m.name === 'input_ids');
  const length = ids?.isTensor ? ids.shape[1] : undefined;
  return typeof length === 'number' && length > 0 ? length : undefined;
}

/**
 * The text encoder fed with token embeddings instead of ids, for learned concepts: look rows up in `table`, replace
 * the rows of learned tokens, and encode.
 */
export interface TokenEmbeddingEncoder {
  table: Float32Array;
  dim: number;
  vocabSize: number;
  /** The sequence length the encoder is fixed to (MobileCLIP-style exports), if any: batches must be padded to it. */
  length: number | undefined;
  /** Text embeddings (L2-normalized) for a token batch whose rows are given in `embeds` ([count, length, dim]). */
  encode(batch: TokenBatch, embeds: Float32Array): Promise<Float32Array[]>;
  /** The rows the original lookup would produce for a batch. */
  lookUp(batch: TokenBatch): Float32Array;
}

/** The encoder files of one precision variant. */
export interface ClipFiles {
  vision?: string | null;
  text?: string | null;
}

/** fp16 exports take and return float16 tensors at their edges; 8-bit ones keep float32 edges. */
const VISION_SIGNATURES = [CLIP_VISION, halfSignature(CLIP_VISION)];
const TEXT_SIGNATURES = [CLIP_TEXT, halfSignature(CLIP_TEXT), int32Signature(CLIP_TEXT), int32Signature(halfSignature(CLIP_TEXT))];

/** A CLIP model folder: tokenizer, preprocessing, and the two encoders, with L2-normalized outputs. */
export class ClipModel {
  readonly visionFile: string;
  readonly textFile: string;
  private readonly embeddingEncoder = new AsyncCache<'encoder', TokenEmbeddingEncoder>();

  private constructor(
    readonly dir: string,
    readonly tokenizer: ClipTokenizer,
    readonly preprocess: PreprocessConfig,
    private readonly pool: SessionPool,
    files: ClipFiles,
  ) {
    this.visionFile = files.vision ?? modelFile(dir, 'vision_model');
    this.textFile = files.text ?? modelFile(dir, 'text_model');
  }

  /** `files` names the encoders of a precision variant (e.g. onnx/vision_model_quantized.onnx); default: the fp32 names. */
  static async load(dir: string, pool: SessionPool, files: ClipFiles = {}): Promise<ClipModel> {
    if (!existsSync(dir)) throw new AppError('MODEL_MISSING', `The CLIP model folder ${dir} does not exist.`, { dir });
    return new ClipModel(dir, await ClipTokenizer.fromDir(dir), await loadPreprocessConfig(dir), pool, files);
  }

  async encodeTexts(texts: string[], batchSize = 64): Promise<Float32Array[]> {
    const { session } = await this.pool.get(this.textFile, TEXT_SIGNATURES);
    const wantsMask = session.inputNames.includes('attention_mask');
    const padTo = fixedSequenceLength(session);
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = this.tokenizer.encodeBatch(texts.slice(start, start + batchSize), padTo);
      const dims = [batch.count, batch.length];
      const feeds: Record<string, ort.Tensor> = { input_ids: intTensor(session, 'input_ids', batch.ids, dims) };
      if (wantsMask) feeds.attention_mask = intTensor(session, 'attention_mask', batch.mask, dims);
      const result = await session.run(feeds, ['text_embeds']);
      const embeds = result.text_embeds!;
      out.push(...normalizeRows(toFloat32(embeds), embeds.dims[1]!));
    }
    return out;
  }

  /**
   * The text encoder's token states (last_hidden_state, [length, hidden] per text), padded to `padTo` (e.g. the 77 a
   * denoiser was trained with) — the text condition of embedding-space denoisers such as CompoDiff.
   */
  async encodeTextTokens(texts: string[], padTo?: number): Promise<TextTokens[]> {
    const { session } = await this.pool.get(this.textFile, TEXT_SIGNATURES);
    if (!session.outputNames.includes('last_hidden_state')) {
      throw new AppError('MODEL_MISMATCH', `${this.textFile} has no last_hidden_state output, which token-conditioned composers need.`, { file: this.textFile });
    }
    const batch = this.tokenizer.encodeBatch(texts, fixedSequenceLength(session) ?? padTo);
    const dims = [batch.count, batch.length];
    const feeds: Record<string, ort.Tensor> = { input_ids: intTensor(session, 'input_ids', batch.ids, dims) };
    if (session.inputNames.includes('attention_mask')) feeds.attention_mask = intTensor(session, 'attention_mask', batch.mask, dims);
    const result = await session.run(feeds, ['last_hidden_state']);
    const states = result.last_hidden_state!;
    const [, length, hidden] = states.dims as [number, number, number];
    const data = toFloat32(states);
    return texts.map((_, i) => ({ states: data.slice(i * length * hidden, (i + 1) * length * hidden), length, hidden }));
  }

  /** Rewrites the text encoder once (see token-embedding-rewrite) and returns an encoder fed with token embeddings. */
  tokenEmbeddingEncoder(): Promise<TokenEmbeddingEncoder> {
    return this.embeddingEncoder.get('encoder', async () => {
      const rewrite = rewriteForTokenEmbeddings(await readFile(this.textFile));
      const key = `${this.textFile}#inputs_embeds`;
      const { session } = await this.pool.get(key, CLIP_TEXT_EMBEDS, rewrite.model);
      const wantsMask = session.inputNames.includes('attention_mask');
      // The rewrite keeps the ids' dims on inputs_embeds, so a fixed length shows on either input.
      const ids = session.inputMetadata.find((m) => m.name === EMBEDS_INPUT || m.name === 'input_ids');
      const fixed = ids?.isTensor ? ids.shape[1] : undefined;
      const lookUp = (batch: TokenBatch) => lookUpRows(rewrite.table, rewrite.dim, batch.ids);
      return {
        table: rewrite.table,
        dim: rewrite.dim,
        vocabSize: rewrite.vocabSize,
        length: typeof fixed === 'number' && fixed > 0 ? fixed : undefined,
        lookUp,
        encode: async (batch, embeds) => {
          const dims = [batch.count, batch.length];
          const feeds: Record<string, ort.Tensor> = { [EMBEDS_INPUT]: new ort.Tensor('float32', embeds, [...dims, rewrite.dim]) };
          if (rewrite.keepsInputIds) feeds.input_ids = new ort.Tensor('int64', batch.ids, dims);
          if (wantsMask) feeds.attention_mask = new ort.Tensor('int64', batch.mask, dims);
          const result = await session.run(feeds, ['text_embeds']);
          return normalizeRows(result.text_embeds!.data as Float32Array, result.text_embeds!.dims[1]!);
        },
      };
    });
  }

  /** Encodes prepared CLIP inputs (from `cropAndNormalize`) in one batch; L2-normalized. */
  async encodeTensors(tensors: Float32Array[]): Promise<Float32Array[]> {
    if (tensors.length === 0) return [];
    const { session } = await this.pool.get(this.visionFile, VISION_SIGNATURES);
    const { width: w, height: h } = this.preprocess;
    const plane = 3 * w * h;
    const pixels = new Float32Array(tensors.length * plane);
    tensors.forEach((t, i) => pixels.set(t, i * plane));
    const result = await session.run({ pixel_values: floatTensor(session, 'pixel_values', pixels, [tensors.length, 3, h, w]) }, ['image_embeds']);
    return normalizeRows(toFloat32(result.image_embeds!), result.image_embeds!.dims[1]!);
  }

  /**
   * Encodes images in batches. A file that cannot be read yields an error for that item only; the rest still encode.
   * Cancels between batches when the signal aborts.
   */
  async encodeImages(inputs: ImageInput[], options: EncodeImagesOptions = {}): Promise<ImageEmbedding[]> {
    const { session } = await this.pool.get(this.visionFile, VISION_SIGNATURES);
    const batchSize = options.batchSize ?? 16;
    const { width: w, height: h } = this.preprocess;
    const plane = 3 * w * h;
    const results: ImageEmbedding[] = new Array(inputs.length);
    for (let start = 0; start < inputs.length; start += batchSize) {
      if (options.signal?.aborted) throw options.signal.reason;
      const slice = inputs.slice(start, start + batchSize);
      const prepared = await Promise.allSettled(slice.map((input) => preprocessImage(input, this.preprocess)));
      const good = prepared.flatMap((p, i) => (p.status === 'fulfilled' ? [{ i, pixels: p.value }] : []));
      prepared.forEach((p, i) => {
        if (p.status === 'rejected') results[start + i] = { ok: false, error: toWireError(p.reason) };
      });
      if (good.length > 0) {
        const pixels = new Float32Array(good.length * plane);
        good.forEach((g, k) => pixels.set(g.pixels, k * plane));
        const result = await session.run({ pixel_values: floatTensor(session, 'pixel_values', pixels, [good.length, 3, h, w]) }, ['image_embeds']);
        const embeds = result.image_embeds!;
        normalizeRows(toFloat32(embeds), embeds.dims[1]!).forEach((embedding, k) => {
          results[start + good[k]!.i] = { ok: true, embedding };
        });
      }
      options.onProgress?.(Math.min(inputs.length, start + batchSize));
    }
    return results;
  }
}
