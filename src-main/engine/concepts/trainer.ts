import { AppError } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import { dot } from '../shared/vector';
import { meanDirection } from '../shared/embedding-math';
import { type AttributeSpace, embeddingOf } from './attribute-space';
import { CmaEs } from './cma-es';
import { encodeWithTokens } from './concept-text';

/** Paraphrases of "image of a * c" (the paper's prompts), averaged so the token does not fit one wording. */
export const TEMPLATES = ['an image of a {}', 'a photo of a {}', 'a close-up photo of a {}'];
/** Similarities are compared as 30·(s* − s_c): softer than CLIP's 100, so the margin keeps growing after the photos are separated (README: the study). */
const LOGIT_SCALE = 30;
const REGULARIZER = 1e-3;

export interface GenerationStats {
  generation: number;
  evaluations: number;
  /** Best balanced BCE so far, and this generation's mean. */
  bestLoss: number;
  meanLoss: number;
  /** Balanced accuracy of the best token: positives closer to "* c" than to "c", negatives the other way. */
  accuracy: number;
  sigma: number;
  textsEncoded: number;
  encoderCalls: number;
  seconds: number;
}

export interface TeachInput {
  clip: ClipModel;
  space: AttributeSpace;
  parent: string;
  /** Image embeddings (unit) of the concept's photos and of parent-class negatives. */
  positives: Float32Array[];
  negatives: Float32Array[];
  seed: number;
  maxGenerations?: number;
  /** Stop after this many generations without a better loss (by 1e-4). */
  patience?: number;
  signal?: AbortSignal;
  onGeneration?: (stats: GenerationStats, best: Float32Array) => void | Promise<void>;
}

export interface TeachResult {
  z: number[];
  embedding: Float32Array;
  /** "* c" text feature of the learned token (template average). */
  feature: Float32Array;
  stats: GenerationStats;
  curve: number[];
}

const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));

/** The parent prompt's text feature: "image of a c" over the paraphrases, averaged. */
export async function parentFeature(clip: ClipModel, parent: string): Promise<Float32Array> {
  return meanDirection(await clip.encodeTexts(TEMPLATES.map((t) => t.replace('{}', parent))));
}

/**
 * Learns a concept token without gradients: CMA-ES over z in the attribute subspace (scaled by each direction's spread),
 * minimizing the balanced binary cross-entropy between "image of a * c" and "image of a c" over the positives and the
 * parent-class negatives. Each generation encodes every candidate × template in one batched text-encoder call through
 * the token-embedding input; image embeddings are computed once by the caller. Deterministic for a seed.
 */
export async function teach(input: TeachInput): Promise<TeachResult> {
  const started = performance.now();
  const { clip, space, positives, negatives } = input;
  if (positives.length === 0) throw new AppError('INVALID_PARAMS', 'No photos to learn from.');
  const encoder = await clip.tokenEmbeddingEncoder();
  const parent = await parentFeature(clip, input.parent);
  const prompts = TEMPLATES.map((t) => t.replace('{}', `* ${input.parent}`));
  let textsEncoded = TEMPLATES.length;
  let encoderCalls = 1;

  const features = async (candidates: number[][]): Promise<Float32Array[]> => {
    const tokens = candidates.map((u) => embeddingOf(space, u.map((v, j) => v * space.spread[j]!)));
    const items = tokens.flatMap((token) => prompts.map((text) => ({ text, tokens: [token] })));
    const encoded = await encodeWithTokens(encoder, clip.tokenizer, items);
    textsEncoded += items.length;
    encoderCalls++;
    return tokens.map((_, c) => meanDirection(encoded.slice(c * prompts.length, (c + 1) * prompts.length)));
  };
  const parentPos = positives.map((x) => dot(x, parent));
  const parentNeg = negatives.map((x) => dot(x, parent));
  const evaluate = (feature: Float32Array, u: number[]) => {
    const pos = positives.map((x, i) => LOGIT_SCALE * (dot(x, feature) - parentPos[i]!));
    const neg = negatives.map((x, i) => LOGIT_SCALE * (dot(x, feature) - parentNeg[i]!));
    const lossPos = pos.reduce((s, l) => s + softplus(-l), 0) / pos.length;
    const lossNeg = neg.length ? neg.reduce((s, l) => s + softplus(l), 0) / neg.length : 0;
    const accPos = pos.filter((l) => l > 0).length / pos.length;
    const accNeg = neg.length ? neg.filter((l) => l < 0).length / neg.length : 1;
    return { loss: lossPos + lossNeg + REGULARIZER * u.reduce((s, v) => s + v * v, 0), accuracy: (accPos + accNeg) / 2 };
  };

  const es = new CmaEs(new Array(space.basis.length).fill(0), { sigma: 0.5, seed: input.seed });
  const maxGenerations = input.maxGenerations ?? 120;
  const patience = input.patience ?? 20;
  let best = { loss: Infinity, accuracy: 0, u: new Array<number>(space.basis.length).fill(0), feature: parent };
  let sinceBetter = 0;
  const curve: number[] = [];
  let stats!: GenerationStats;
  for (let generation = 1; generation <= maxGenerations; generation++) {
    if (input.signal?.aborted) throw new AppError('CANCELLED', 'Teaching was cancelled; nothing was saved.');
    const candidates = es.ask();
    const feats = await features(candidates);
    const scored = feats.map((f, c) => ({ ...evaluate(f, candidates[c]!), feature: f, u: candidates[c]! }));
    es.tell(candidates, scored.map((s) => s.loss));
    const top = scored.reduce((a, b) => (b.loss < a.loss ? b : a));
    if (top.loss < best.loss - 1e-4) sinceBetter = 0;
    else sinceBetter++;
    if (top.loss < best.loss) best = top;
    curve.push(best.loss);
    stats = {
      generation,
      evaluations: es.evaluated,
      bestLoss: best.loss,
      meanLoss: scored.reduce((s, x) => s + x.loss, 0) / scored.length,
      accuracy: best.accuracy,
      sigma: es.sigma,
      textsEncoded,
      encoderCalls,
      seconds: (performance.now() - started) / 1000,
    };
    await input.onGeneration?.(stats, best.feature);
    if (sinceBetter >= patience || es.sigma < 1e-4) break;
  }
  const z = best.u.map((v, j) => v * space.spread[j]!);
  return { z, embedding: embeddingOf(space, z), feature: best.feature, stats, curve };
}
