/** Stored vectors of one model, the source of truth a vector index is derived from (storage provides it, vectors read it). */
export interface VectorSource {
  /** Every stored vector for the model, as (key, vector) pairs. */
  all(): Iterable<{ key: number; vector: Float32Array }>;
  count(): number;
  /** Up to `n` stored keys spread over the whole range (a quick check's sample). */
  sampleKeys(n: number): number[];
}
