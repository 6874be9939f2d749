import type { ComposeWeights } from '@contract';
import { meanDirection, normalized, weightedSum, withoutComponent } from '../../shared/embedding-math';
import type { Conditions } from './types';

/** The texts' joint direction: the normalized sum of their embeddings (null without texts). */
export function textDirection(conditions: Conditions): Float32Array | null {
  if (conditions.texts.length === 0) return null;
  return meanDirection(conditions.texts.map((t) => t.embedding));
}

/**
 * Weights a composed embedding φ(c_I, c_T) with guidance semantics, taking the composer's value at (∅,∅) as 0 and at
 * (c_I,∅) as c_I:  q = w_I·c_I + w_T·(φ − c_I) − w_N·n⊥, normalized.
 * For the sum composer φ = c_I + c_T, so q = w_I·c_I + w_T·c_T (CLIP4Cir's sum). n⊥ is the negative text with its part
 * shared with the positive texts removed, so "not floral" does not also push away "dress". Without a reference the
 * query is the texts alone; without texts, the reference alone.
 */
export function steer(conditions: Conditions, weights: ComposeWeights, phi: Float32Array | null): Float32Array {
  const { dim, image } = conditions;
  const text = textDirection(conditions);
  let q: Float32Array;
  if (!image && !text) throw new Error('nothing to compose');
  if (!image) q = weightedSum(dim, [[weights.text, text]]);
  else if (!text) q = image.slice();
  else q = weightedSum(dim, [[weights.image - weights.text, image], [weights.text, phi]]);
  if (conditions.negative && weights.negative > 0) {
    const n = text ? withoutComponent(conditions.negative.embedding, text) : conditions.negative.embedding;
    q = weightedSum(dim, [[1, q], [-weights.negative, n]]);
  }
  return normalized(q);
}
