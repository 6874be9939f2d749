import { Random } from '../../models/scene-world/random';

/** Random unit vectors (gaussian, normalised). */
export function unitVectors(count: number, dim: number, rng: Random): Float32Array {
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = rng.gaussian();
      out[i * dim + d] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) out[i * dim + d]! /= norm;
  }
  return out;
}

/**
 * Clustered unit vectors, like photo embeddings (many pictures of a few kinds of things): each is a random cluster
 * centre plus noise of norm `spread`, so members of a cluster have cosine ≈ 1/(1+spread²) ≈ 0.74. Uniform random
 * 512-d vectors would be a meaningless test: every pair is at cosine ≈ 0, so "nearest" is noise.
 */
export function clusteredVectors(count: number, dim: number, clusters: number, rng: Random, centres?: Float32Array): { data: Float32Array; centres: Float32Array } {
  const c = centres ?? unitVectors(clusters, dim, rng);
  const out = new Float32Array(count * dim);
  const spread = 0.6 / Math.sqrt(dim);
  for (let i = 0; i < count; i++) {
    const k = Math.floor(rng.next() * clusters);
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = c[k * dim + d]! + spread * rng.gaussian();
      out[i * dim + d] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) out[i * dim + d]! /= norm;
  }
  return { data: out, centres: c };
}
