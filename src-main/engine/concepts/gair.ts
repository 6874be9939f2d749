import { dot } from '../shared/vector';
import { meanDirection, normalized, weightedSum } from '../shared/embedding-math';

/**
 * Parent-class negatives among candidate image embeddings (best parent matches first): not the concept's photos, not
 * their near-duplicates (cosine ≥ 0.95), and not within the photos' own spread around their centroid — such a picture is
 * probably another photo of the concept itself.
 */
export function pickNegatives(positives: Float32Array[], candidates: Float32Array[], max: number): Float32Array[] {
  const centroid = meanDirection(positives);
  const spread = Math.min(...positives.map((p) => dot(p, centroid)));
  return candidates.filter((v) => !positives.some((p) => dot(p, v) >= 0.95) && dot(v, centroid) < spread).slice(0, max);
}

/**
 * GAIR's query as the paper writes it: q = w·g([t,*,c]) + (1−w)·mean_i g([t,a_i,c]), normalized once, at the end. The
 * context mean is not renormalized before mixing: attribute words that disagree pull less than ones that agree.
 */
export function gairQuery(token: Float32Array, contexts: readonly Float32Array[], w: number): Float32Array {
  if (w >= 1 || contexts.length === 0) return token;
  const dim = token.length;
  const mean = weightedSum(dim, contexts.map((c) => [1 / contexts.length, c] as const));
  return normalized(weightedSum(dim, [[w, token], [1 - w, mean]]));
}

/**
 * Algorithm 1 (GAIR) with retrieval standing in for generation: for w = 0, 0.1, …, 1 the images the query q(w) finds
 * are scored by min(mean similarity to what the context query q(0) finds, mean similarity to the concept's photos);
 * the w with the best score wins.
 */
export async function chooseGairWeight(
  queryAt: (w: number) => Promise<Float32Array>,
  retrieve: (query: Float32Array) => Promise<Float32Array[]>,
  photos: Float32Array[],
): Promise<{ w: number; scores: { w: number; score: number }[] }> {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const found = async (w: number) => (await retrieve(await queryAt(w))).filter((v) => !photos.some((p) => dot(p, v) >= 0.999)).slice(0, 3);
  const context = await found(0);
  const scores: { w: number; score: number }[] = [];
  for (let k = 0; k <= 10; k++) {
    const images = await found(k / 10);
    const toContext = mean(images.flatMap((i) => context.map((c) => dot(i, c))));
    const toConcept = mean(images.flatMap((i) => photos.map((p) => dot(i, p))));
    scores.push({ w: k / 10, score: Math.min(toContext, toConcept) });
  }
  return { w: scores.reduce((a, b) => (b.score > a.score ? b : a)).w, scores };
}

/** The w candidates Algorithm 1 tries with generated images: fewer than with retrieval, since each costs a generation. */
export const GENERATED_WEIGHTS = [0, 0.25, 0.5, 0.75, 1] as const;

/**
 * Algorithm 1 as the paper runs it: for each w an image I is generated (its CLIP image feature f(I) comes from
 * `generatedAt`), the context image x_c is the one generated at w = 0 (the concept replaced by its attribute words), and
 * score(w) = min(f(I)·f(x_c), mean_j f(I)·f(x_j)) over the concept's photos x_j; the w with the best score wins.
 */
export async function chooseGairWeightByGeneration(
  generatedAt: (w: number) => Promise<Float32Array>,
  photos: Float32Array[],
  weights: readonly number[] = GENERATED_WEIGHTS,
): Promise<{ w: number; scores: { w: number; score: number }[] }> {
  const context = await generatedAt(0);
  const scores: { w: number; score: number }[] = [];
  for (const w of weights) {
    const image = w === 0 ? context : await generatedAt(w);
    const toConcept = photos.reduce((sum, p) => sum + dot(image, p), 0) / Math.max(1, photos.length);
    scores.push({ w, score: Math.min(dot(image, context), toConcept) });
  }
  return { w: scores.reduce((a, b) => (b.score > a.score ? b : a)).w, scores };
}
