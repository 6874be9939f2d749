import { nearestWords, type AttributeSpace } from '../engine/concepts/attribute-space';
import { encodeWithTokens, expandMentions, MENTION } from '../engine/concepts/concept-text';
import { chooseGairWeight, gairQuery, pickNegatives } from '../engine/concepts/gair';
import { parentFeature, teach } from '../engine/concepts/trainer';
import { embedGallery, type EvalContext, type MethodResult } from './eval-context';
import type { PervlSet } from './formats/pervl';
import { meanReciprocalRank, rankOf, scoreAll, topK } from './metrics';

/**
 * PerVL rows for personal concepts: teach each concept's token from its training photos (negatives: the set's own, else
 * the gallery's best parent matches that are not the concept), then rank with "*name" as the token, and with GAIR at the
 * w Algorithm 1 picks (retrieval as the proxy for generation).
 */
export async function learnedTokenRows(set: PervlSet, ctx: EvalContext, vectors: Float32Array[], indexOf: Map<string, number>, queries: PervlSet['queries']): Promise<MethodResult[]> {
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
