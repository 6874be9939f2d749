import { AppError } from '@contract';
import { meanDirection } from '../engine/shared/embedding-math';
import { embedGallery, galleryComposer, methodsOf, vectorOf, type EvalContext, type EvalReport, type MethodResult } from './eval-context';
import type { CirrSet } from './formats/cirr';
import type { FashionIqCategory } from './formats/fashioniq';
import { withParentWord, type PervlSet } from './formats/pervl';
import { meanReciprocalRank, rankOf, recallAt, scoreAll, topK } from './metrics';
import { learnedTokenRows } from './pervl-tokens';

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
