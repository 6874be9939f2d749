import { AppError, type ComposeWeights, type ComposedQueryParsed, type ComposedResult, type ComposerId, type SearchResult } from '@contract';
import { readRegularFile } from '../storage/regular-file';
import type { ClipModel, ImageInput, TextTokens } from '../clip/clip-model';
import type { ComposerRegistry } from './composer-registry';
import { normalized, weightedSum } from '../shared/embedding-math';
import type { Conditions, TextCondition } from './composers/types';
import { LruCache } from '../shared/lru-cache';
import { REGION_KEEP, splitRegion, type RegionSplit } from './region';

export interface ComposedSearchDeps {
  /** The model whose vectors answer searches. */
  servingModel(): string;
  /** The model's CLIP encoder, or the MODEL_MISSING error that says how to install it. */
  requireClip(model: string): Promise<ClipModel>;
  storedEmbedding(itemId: number, model: string): Float32Array | null;
  itemPath(itemId: number): string;
  /** Library items whose content is this upload (its id is the content's sha256). */
  itemsWithContent(uploadId: string): number[];
  uploadPath(uploadId: string): string;
  composers: ComposerRegistry;
  defaultComposer(): ComposerId;
  /** A text's feature when it needs special encoding (it names concepts), else null for the plain text encoder. */
  encodeText?(clip: ClipModel, model: string, text: string, gairW: number | undefined): Promise<Float32Array> | null;
  /** Searches the library with a composed vector (not needed where only `compose` is used, e.g. evaluation). */
  search(vector: Float32Array, query: ComposedQueryParsed, clip: ClipModel, model: string, exclude: ReadonlySet<number>): Promise<SearchResult>;
}

export interface ComposedVector {
  vector: Float32Array;
  /** The CLIP model (and its encoder) the vector lives in. */
  model: string;
  clip: ClipModel;
  composer: ComposerId;
  weights: ComposeWeights;
  encoded: { texts: number; images: number };
  encodeMs: number;
  composeMs: number;
}

interface ImageConditions {
  full: Float32Array;
  /** With a region: the rest and the region, embedded separately, and the 64×64 mask. */
  split: { rest: Float32Array | null; region: Float32Array; mask: Float32Array } | null;
}

/**
 * Runs composed queries. Every embedding a query needs (texts, token states, the reference and its region split) is
 * cached by content, so moving a weight slider costs only the composition and one index search; a new text costs one
 * text-encoder call.
 */
export class ComposedSearch {
  private readonly texts = new LruCache<Float32Array>(512);
  private readonly tokens = new LruCache<TextTokens>(256);
  private readonly images = new LruCache<ImageConditions>(64);

  constructor(private readonly deps: ComposedSearchDeps) {}

  /** The query vector for a composed query, with what it cost. */
  async compose(query: ComposedQueryParsed): Promise<ComposedVector> {
    const started = performance.now();
    if (!query.reference && query.conditions.length === 0) {
      throw new AppError('INVALID_PARAMS', 'Give a reference image, a text, or both.');
    }
    if (query.regionUploadId && !query.reference) throw new AppError('INVALID_PARAMS', 'A region needs a reference image to mark it on.');
    const composerId = query.composer ?? this.deps.defaultComposer();
    const { composer, defaults, tokenLength, fits } = await this.deps.composers.get(composerId);
    const weights = query.weights ?? defaults.weights;
    const model = this.deps.servingModel();
    fits?.(model);
    const encoder = await this.deps.requireClip(model);

    const encoded = { texts: 0, images: 0 };
    // Token-conditioned composers batch the texts with the null text "": one length for all (the model's, else the longest).
    const padTo = composer.needsTokens
      ? ((await tokenLength?.()) ?? encoder.tokenizer.encodeBatch(['', ...query.conditions, ...(query.negative ? [query.negative] : [])]).length)
      : undefined;
    const textCondition = async (text: string): Promise<TextCondition> => ({
      text,
      embedding: await (this.deps.encodeText?.(encoder, model, text, query.gairW) ??
        this.texts.get(`${model}|${text}`, async () => (await encoder.encodeTexts([text]))[0]!, () => encoded.texts++)),
      ...(composer.needsTokens
        ? { tokens: await this.tokens.get(`${model}|${padTo ?? ''}|${text}`, async () => (await encoder.encodeTextTokens([text], padTo))[0]!, () => encoded.texts++) }
        : {}),
    });
    const [texts, negative, nullText, image] = await Promise.all([
      Promise.all(query.conditions.map(textCondition)),
      query.negative ? textCondition(query.negative) : Promise.resolve(null),
      composer.needsTokens ? textCondition('') : Promise.resolve(null),
      query.reference ? this.imageConditions(query, model, encoder, () => encoded.images++) : Promise.resolve(null),
    ]);
    const encodedAt = performance.now();

    const dim = (image?.full ?? texts[0]!.embedding).length;
    const conditions: Conditions = {
      dim,
      image: image ? (image.split && !composer.takesMask ? regionAware(dim, image.split) : image.full) : null,
      texts,
      negative,
      nullText,
      mask: image?.split && composer.takesMask ? image.split.mask : null,
    };
    const vector = await composer.compose(conditions, weights, { steps: query.steps ?? defaults.steps ?? 10, seed: query.seed });
    return { vector, model, clip: encoder, composer: composerId, weights, encoded, encodeMs: encodedAt - started, composeMs: performance.now() - encodedAt };
  }

  /** Composes the query and searches the library with it. */
  async run(query: ComposedQueryParsed): Promise<ComposedResult> {
    const composed = await this.compose(query);
    const searchStarted = performance.now();
    // The reference itself is left out, also when it was dropped as a file that is in the library.
    const ref = query.excludeReference ? query.reference : null;
    const exclude = new Set<number>(!ref ? [] : 'itemId' in ref ? [ref.itemId] : this.deps.itemsWithContent(ref.uploadId));
    const result = await this.deps.search(composed.vector, query, composed.clip, composed.model, exclude);
    const searchMs = performance.now() - searchStarted;
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return {
      ...result,
      composer: composed.composer,
      weights: composed.weights,
      encoded: composed.encoded,
      timings: {
        encodeMs: round(composed.encodeMs),
        composeMs: round(composed.composeMs),
        searchMs: round(searchMs),
        totalMs: round(composed.encodeMs + composed.composeMs + searchMs),
      },
    };
  }

  private imageConditions(query: ComposedQueryParsed, model: string, clip: ClipModel, onEncode: () => void): Promise<ImageConditions> {
    const ref = query.reference!;
    // A library photo's stored vector is read each time (a quick lookup that follows re-indexing); an upload is
    // content-addressed, so its id alone is a safe cache key.
    const stored = 'itemId' in ref ? this.deps.storedEmbedding(ref.itemId, model) : null;
    if (stored && !query.regionUploadId) return Promise.resolve({ full: stored, split: null });
    const refKey = 'itemId' in ref ? `item:${ref.itemId}:${stored ? [...stored.subarray(0, 4)].join(',') : 'new'}` : `upload:${ref.uploadId}`;
    const key = `${model}|${refKey}|${query.regionUploadId ?? ''}`;
    return this.images.get(key, async () => {
      // Read once, as a regular file only (a library photo swapped for a FIFO cannot hang the search).
      const input = await readRegularFile('itemId' in ref ? this.deps.itemPath(ref.itemId) : this.deps.uploadPath(ref.uploadId), { timeoutMs: 60_000 });
      const full = stored ?? (await this.encodeImages(clip, [input], onEncode))[0]!;
      if (!query.regionUploadId) return { full, split: null };
      const split: RegionSplit = await splitRegion(input, this.deps.uploadPath(query.regionUploadId));
      // A region over (nearly) everything leaves no rest to keep.
      const keepsRest = split.coverage < 0.95;
      const [region, rest] = await this.encodeImages(clip, keepsRest ? [split.region, split.rest] : [split.region], onEncode);
      return { full, split: { rest: rest ?? null, region: region!, mask: split.mask } };
    });
  }

  private async encodeImages(clip: ClipModel, inputs: ImageInput[], onEncode: () => void): Promise<Float32Array[]> {
    onEncode();
    const results = await clip.encodeImages(inputs);
    return results.map((r) => {
      if (!r.ok) throw AppError.fromWire(r.error);
      return r.embedding;
    });
  }

  /** Forgets cached conditions (the models folder changed: the same model id may now mean other files). */
  clear(): void {
    this.texts.clear();
    this.tokens.clear();
    this.images.clear();
  }
}

/** The region method: keep what is outside the region, and the region's own content only in part (REGION_KEEP). */
export function regionAware(dim: number, split: NonNullable<ImageConditions['split']>): Float32Array {
  return normalized(weightedSum(dim, [[1, split.rest], [REGION_KEEP, split.region]]));
}
