import { AppError, ComposedQuerySchema, type ComposedQuery, type ComposerId } from '@contract';
import type { ClipModel } from '../engine/clip/clip-model';
import { ComposedSearch } from '../engine/compose/composed-search';
import type { ComposerRegistry } from '../engine/compose/composer-registry';
import type { AttributeSpace } from '../engine/concepts/attribute-space';
import type { EmbeddingCache } from './embedding-cache';

export interface EvalContext {
  clip: ClipModel;
  /** The CLIP model's id (composers are checked against the one they were trained on). */
  clipModel: string;
  composers: ComposerRegistry;
  cache: EmbeddingCache;
  /** Composers to evaluate (each beside the text-only and image-only baselines). */
  composerIds: ComposerId[];
  weights?: { image: number; text: number } | undefined;
  steps?: number | undefined;
  /** Evaluate only the first N queries (quick runs). */
  limit?: number | undefined;
  log: (line: string) => void;
  /** PerVL: learn tokens too ("learned token" and "token + GAIR" rows), in a subspace of this many dimensions. */
  concepts?: {
    space: (clip: ClipModel, k: number) => Promise<AttributeSpace>;
    /** The subspace of the attribute words ranked by similarity to a concept's photos (beside the fixed list's). */
    rankedSpace?: (clip: ClipModel, k: number, parent: string, photos: Float32Array[]) => Promise<AttributeSpace>;
    dimensions: number;
    seed: number;
  };
}

export interface MethodResult {
  name: string;
  metrics: Record<string, number>;
}

export interface EvalReport {
  dataset: 'cirr' | 'fashioniq' | 'pervl';
  split: string;
  model: string;
  gallery: number;
  queries: number;
  /** Metric names in display order. */
  columns: string[];
  methods: MethodResult[];
  seconds: number;
  /** CIRR: the best-first image ids per pair for the test-server submission, by method. */
  rankings?: Record<string, { pairid: number; top: string[]; subset: string[] }[]>;
}

export interface Method {
  name: string;
  query: (ref: number | null, texts: string[]) => ComposedQuery | null;
}

export function methodsOf(ctx: EvalContext): Method[] {
  const weights = ctx.weights ? { ...ctx.weights, negative: 1 } : undefined;
  return [
    { name: 'text only', query: (_ref, texts) => ({ conditions: texts, composer: 'sum' }) },
    { name: 'image only', query: (ref) => (ref === null ? null : { reference: { itemId: ref }, excludeReference: false }) },
    ...ctx.composerIds.map((composer) => ({
      name: composer,
      query: (ref: number | null, texts: string[]): ComposedQuery => ({
        reference: ref === null ? null : { itemId: ref },
        conditions: texts,
        composer,
        ...(weights ? { weights } : {}),
        ...(ctx.steps ? { steps: ctx.steps } : {}),
      }),
    })),
  ];
}

/** Composes queries over a fixed gallery with the product's own composed-search code (cached conditions included). */
export function galleryComposer(ctx: EvalContext, vectors: Float32Array[]): ComposedSearch {
  const refuse = (): never => {
    throw new AppError('INTERNAL', 'not available during evaluation');
  };
  return new ComposedSearch({
    servingModel: () => ctx.clipModel,
    requireClip: async () => ctx.clip,
    storedEmbedding: (id) => vectors[id] ?? null,
    itemPath: refuse,
    itemsWithContent: () => [],
    uploadPath: refuse,
    composers: ctx.composers,
    defaultComposer: () => 'sum',
    search: refuse,
  });
}

export async function embedGallery(ctx: EvalContext, label: string, paths: string[]): Promise<Float32Array[]> {
  let last = 0;
  return ctx.cache.embed(
    ctx.clip,
    paths,
    (done, total) => {
      if (done === total || performance.now() - last > 2000) {
        last = performance.now();
        ctx.log(`${label}: ${done}/${total} images embedded`);
      }
    },
    (line) => ctx.log(`warning: ${line}`),
  );
}

export async function vectorOf(composer: ComposedSearch, query: ComposedQuery): Promise<Float32Array> {
  return (await composer.compose(ComposedQuerySchema.parse(query))).vector;
}
