/** Small vector helpers for composing query embeddings (all Float32Array of one dimension). */

/** Σ weight·vector over the terms that are present. */
export function weightedSum(dim: number, terms: readonly (readonly [number, Float32Array | null])[]): Float32Array {
  const out = new Float32Array(dim);
  for (const [weight, vector] of terms) {
    if (!vector || weight === 0) continue;
    if (vector.length !== dim) throw new RangeError(`vector of ${vector.length} values where ${dim} were expected`);
    for (let i = 0; i < dim; i++) out[i]! += weight * vector[i]!;
  }
  return out;
}

export function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

/** The unit direction of the vectors' sum (their mean, normalized). */
export function meanDirection(vectors: readonly Float32Array[]): Float32Array {
  return normalized(weightedSum(vectors[0]!.length, vectors.map((v) => [1, v] as const)));
}

/** v / ‖v‖ (a zero vector stays zero). */
export function normalized(v: Float32Array): Float32Array {
  const n = norm(v);
  return n > 0 ? v.map((x) => x / n) : v.slice();
}

/** v minus its component along the unit vector `unit`. */
export function withoutComponent(v: Float32Array, unit: Float32Array): Float32Array {
  let d = 0;
  for (let i = 0; i < v.length; i++) d += v[i]! * unit[i]!;
  return v.map((x, i) => x - d * unit[i]!);
}
