import { AppError, ComposedQuerySchema, type ComposedQuery, type ComposerId } from '@contract';
import type { ClipModel } from '../engine/clip/clip-model';
import { ComposedSearch } from '../engine/compose/composed-search';
import type { ComposerRegistry } from '../engine/compose/composer-registry';
import { meanDirection } from '../engine/compose/embedding-math';
import type { EmbeddingCache } from './embedding-cache';
import type { CirrSet } from './formats/cirr';
import type { FashionIqCategory } from './formats/fashioniq';
import { withParentWord, type PervlSet } from './formats/pervl';
import { meanReciprocalRank, rankOf, recallAt, scoreAll, topK } from './metrics';
import { nearestWords, type AttributeSpace } from '../engine/concepts/attribute-space';
import { encodeWithTokens, expandMentions, MENTION } from '../engine/concepts/concept-text';
import { chooseGairWeight, gairQuery, pickNegatives } from '../engine/concepts/gair';
import { parentFeature, teach } from '../engine/concepts/trainer';

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

interface Method {
  name: string;
  query: (ref: number | null, texts: string[]) => ComposedQuery | null;
}

function methodsOf(ctx: EvalContext): Method[] {
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
function galleryComposer(ctx: EvalContext, vectors: Float32Array[]): ComposedSearch {
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

async function embedGallery(ctx: EvalContext, label: string, paths: string[]): Promise<Float32Array[]> {
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

async function vectorOf(composer: ComposedSearch, query: ComposedQuery): Promise<Float32Array> {
  return (await composer.compose(ComposedQuerySchema.parse(query))).vector;
}

/** CIRR: Recall@1/5/10/50 over the split's images (the reference excluded), Recall_subset@1/2/3 within img_set. */
export async function evaluateCirr(set: CirrSet, ctx: EvalContext): Promise<EvalReport> {
  const started = performance.now();
  const ids = [...set.images.keys()];
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const vectors = await embedGallery(ctx, 'CIRR', ids.map((id) => set.images.get(id)!));
  const composer = galleryComposer(ctx, vectors);
  const queries = set.queries.slice(0, ctx.limit ?? set.queries.length);
  const unknown = queries.find((q) => !indexOf.has(q.reference) || (q.target && !indexOf.has(q.target)));
  if (unknown) throw new AppError('INVALID_PARAMS', `Pair ${unknown.pairid} names an image that is not in the split file.`);
  const methods: MethodResult[] = [];
  const rankings: NonNullable<EvalReport['rankings']> = {};
  for (const method of methodsOf(ctx)) {
    const ranks: number[] = [];
    const subsetRanks: number[] = [];
    const ranking: (typeof rankings)[string] = [];
    for (const q of queries) {
      const ref = indexOf.get(q.reference)!;
      const query = method.query(ref, [q.caption]);
      if (!query) continue;
      const scores = scoreAll(await vectorOf(composer, query), vectors, ref);
      const subset = q.members.filter((m) => m !== q.reference && indexOf.has(m)).map((m) => indexOf.get(m)!);
      ranking.push({ pairid: q.pairid, top: topK(scores, 50).map((i) => ids[i]!), subset: topK(scores.map((s, i) => (subset.includes(i) ? s : -Infinity)), 3).map((i) => ids[i]!) });
      if (!q.target) continue;
      const target = indexOf.get(q.target)!;
      ranks.push(rankOf(scores, target));
      subsetRanks.push(rankOf(scores, target, subset));
    }
    rankings[method.name] = ranking;
    const r = (k: number) => recallAt(ranks, k);
    const rs = (k: number) => recallAt(subsetRanks, k);
    methods.push({
      name: method.name,
      metrics: ranks.length ? { 'R@1': r(1), 'R@5': r(5), 'R@10': r(10), 'R@50': r(50), 'Rs@1': rs(1), 'Rs@2': rs(2), 'Rs@3': rs(3), Avg: (r(5) + rs(1)) / 2 } : {},
    });
  }
  return {
    dataset: 'cirr',
    split: set.split,
    model: ctx.clip.dir,
    gallery: ids.length,
    queries: queries.length,
    columns: ['R@1', 'R@5', 'R@10', 'R@50', 'Rs@1', 'Rs@2', 'Rs@3', 'Avg'],
    methods,
    seconds: (performance.now() - started) / 1000,
    rankings,
  };
}

/** FashionIQ: Recall@10/@50 per category over its gallery, and their averages. */
export async function evaluateFashionIq(categories: FashionIqCategory[], split: string, ctx: EvalContext): Promise<EvalReport> {
  const started = performance.now();
  const perMethod = new Map<string, Record<string, number>>();
  let gallery = 0;
  let total = 0;
  for (const category of categories) {
    const ids = [...category.images.keys()];
    const indexOf = new Map(ids.map((id, i) => [id, i]));
    const vectors = await embedGallery(ctx, `FashionIQ ${category.name}`, ids.map((id) => category.images.get(id)!));
    const composer = galleryComposer(ctx, vectors);
    const queries = category.queries.filter((q) => q.target).slice(0, ctx.limit ?? category.queries.length);
    gallery += ids.length;
    total += queries.length;
    for (const method of methodsOf(ctx)) {
      const ranks: number[] = [];
      for (const q of queries) {
        const query = method.query(indexOf.get(q.candidate)!, [q.text]);
        if (!query) continue;
        ranks.push(rankOf(scoreAll(await vectorOf(composer, query), vectors), indexOf.get(q.target!)!));
      }
      const metrics = perMethod.get(method.name) ?? {};
      metrics[`${category.name} R@10`] = recallAt(ranks, 10);
      metrics[`${category.name} R@50`] = recallAt(ranks, 50);
      perMethod.set(method.name, metrics);
    }
  }
  const names = categories.map((c) => c.name);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const methods = [...perMethod].map(([name, metrics]) => {
    const r10 = mean(names.map((c) => metrics[`${c} R@10`]!));
    const r50 = mean(names.map((c) => metrics[`${c} R@50`]!));
    return { name, metrics: { ...metrics, 'avg R@10': r10, 'avg R@50': r50, Avg: (r10 + r50) / 2 } };
  });
  return {
    dataset: 'fashioniq',
    split,
    model: ctx.clip.dir,
    gallery,
    queries: total,
    columns: [...names.flatMap((c) => [`${c} R@10`, `${c} R@50`]), 'avg R@10', 'avg R@50', 'Avg'],
    methods,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * PerVL-style concept retrieval, MRR of the first target: "text only" names the concept by its parent word; the
 * composers use the mean of the concept's photos as the reference and the same text. (Learned tokens and GAIR join
 * this table with personal concepts.)
 */
export async function evaluatePervl(set: PervlSet, ctx: EvalContext): Promise<EvalReport> {
  const started = performance.now();
  const vectors = await embedGallery(ctx, 'PerVL gallery', set.gallery);
  const indexOf = new Map(set.gallery.map((p, i) => [p, i]));
  // Each concept's photos, averaged, become a pseudo item after the gallery, so composers can take it as a reference.
  const conceptItem = new Map<string, number>();
  const all = [...vectors];
  for (const concept of set.concepts) {
    const photos = await embedGallery(ctx, `PerVL ${concept.name}`, concept.train);
    conceptItem.set(concept.name, all.length);
    all.push(meanDirection(photos));
  }
  const composer = galleryComposer(ctx, all);
  const queries = set.queries.slice(0, ctx.limit ?? set.queries.length);
  const methods: MethodResult[] = [];
  for (const method of methodsOf(ctx)) {
    if (method.name === 'image only') continue;
    const ranks: number[] = [];
    for (const q of queries) {
      const concept = set.concepts.find((c) => c.name === q.concept)!;
      const text = withParentWord(q.text, concept);
      const query = method.name === 'text only' ? method.query(null, [text]) : method.query(conceptItem.get(q.concept)!, [text]);
      const scores = scoreAll(await vectorOf(composer, query!), vectors);
      ranks.push(Math.min(...q.targets.map((t) => rankOf(scores, indexOf.get(t)!))));
    }
    methods.push({ name: method.name === 'text only' ? 'text only (parent word)' : `concept photos + text (${method.name})`, metrics: { MRR: meanReciprocalRank(ranks) } });
  }
  if (ctx.concepts) methods.push(...(await learnedTokenRows(set, ctx, vectors, indexOf, queries)));
  return { dataset: 'pervl', split: 'all', model: ctx.clip.dir, gallery: set.gallery.length, queries: queries.length, columns: ['MRR'], methods, seconds: (performance.now() - started) / 1000 };
}

/**
 * PerVL rows for personal concepts: teach each concept's token from its training photos (negatives: the set's own, else
 * the gallery's best parent matches that are not the concept), then rank with "*name" as the token, and with GAIR at the
 * w Algorithm 1 picks (retrieval as the proxy for generation).
 */
async function learnedTokenRows(set: PervlSet, ctx: EvalContext, vectors: Float32Array[], indexOf: Map<string, number>, queries: PervlSet['queries']): Promise<MethodResult[]> {
  const { clip } = ctx;
  const k = ctx.concepts!.dimensions;
  const fixed = await ctx.concepts!.space(clip, k);
  const rows = await rankWithTokens(set, ctx, vectors, indexOf, queries, async () => fixed, `k = ${fixed.basis.length}`);
  const ranked = ctx.concepts!.rankedSpace;
  if (ranked) rows.push(...(await rankWithTokens(set, ctx, vectors, indexOf, queries, (parent, photos) => ranked(clip, k, parent, photos), `k = ${k}, words ranked by the photos`)));
  return rows;
}

/** Teaches each concept in the subspace `spaceFor` gives, then ranks the queries by the token alone and with GAIR. */
async function rankWithTokens(
  set: PervlSet,
  ctx: EvalContext,
  vectors: Float32Array[],
  indexOf: Map<string, number>,
  queries: PervlSet['queries'],
  spaceFor: (parent: string, photos: Float32Array[]) => Promise<AttributeSpace>,
  label: string,
): Promise<MethodResult[]> {
  const { clip } = ctx;
  const encoder = await clip.tokenEmbeddingEncoder();
  const tokens = new Map<string, { embedding: Float32Array; photos: Float32Array[]; attributes: string[] }>();
  for (const concept of set.concepts) {
    const photos = await embedGallery(ctx, `PerVL ${concept.name}`, concept.train);
    let negatives = concept.negatives.length ? await embedGallery(ctx, `PerVL ${concept.name} negatives`, concept.negatives) : [];
    if (!negatives.length) {
      negatives = pickNegatives(photos, topK(scoreAll(await parentFeature(clip, concept.parent), vectors), 64).map((i) => vectors[i]!), 32);
    }
    const space = await spaceFor(concept.parent, photos);
    const learned = await teach({ clip, space, parent: concept.parent, positives: photos, negatives, seed: ctx.concepts!.seed });
    ctx.log(`PerVL: *${concept.name} learned (${label}; ${learned.stats.generation} generations, ${learned.stats.textsEncoded} texts, ${learned.stats.seconds.toFixed(1)} s)`);
    tokens.set(concept.name.toLowerCase(), { embedding: learned.embedding, photos, attributes: nearestWords(space, learned.embedding, 5).map((a) => a.word) });
  }
  const lookup = (name: string) => {
    const c = set.concepts.find((x) => x.name.toLowerCase() === name);
    return c ? { name, parent: c.parent, embedding: tokens.get(name)!.embedding } : null;
  };
  const tokenRanks: number[] = [];
  const gairRanks: number[] = [];
  const ws: number[] = [];
  for (const q of queries) {
    const { text, concepts } = expandMentions(q.text, lookup);
    const [feature] = await encodeWithTokens(encoder, clip.tokenizer, [{ text, tokens: concepts.map((c) => c.embedding) }]);
    const first = (query: Float32Array) => Math.min(...q.targets.map((t) => rankOf(scoreAll(query, vectors), indexOf.get(t)!)));
    tokenRanks.push(first(feature!));
    const token = tokens.get(q.concept.toLowerCase())!;
    const contexts = await clip.encodeTexts(token.attributes.map((a) => q.text.replace(MENTION, () => `${a} ${concepts[0]!.parent}`)));
    const queryAt = async (w: number) => gairQuery(feature!, contexts, w);
    const retrieve = async (v: Float32Array) => topK(scoreAll(v, vectors), 12).map((i) => vectors[i]!);
    const { w } = await chooseGairWeight(queryAt, retrieve, token.photos);
    ws.push(w);
    gairRanks.push(first(await queryAt(w)));
  }
  const meanW = ws.reduce((a, b) => a + b, 0) / Math.max(1, ws.length);
  return [
    { name: `learned token (${label})`, metrics: { MRR: meanReciprocalRank(tokenRanks) } },
    { name: `token + GAIR (${label}; auto w, mean ${meanW.toFixed(2)})`, metrics: { MRR: meanReciprocalRank(gairRanks) } },
  ];
}
