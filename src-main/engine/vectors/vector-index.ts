import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tempNameFor } from '../storage/atomic-write';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
// usearch is CommonJS: take the classes from its default export (works under Vite and Node's ESM loader alike).
import usearch from 'usearch';
import type { BatchMatches, Index as UsearchIndex, ScalarKind } from 'usearch';
import type { VectorSource } from '../shared/vector-source';
import { plainLayout, type IndexLayout, type Quantization } from './index-layout';
import { rescored } from './rescore';

export type { Quantization, IndexLayout } from './index-layout';
export { HNSW_SETTINGS, LARGE_LIBRARY_LAYOUT } from './index-layout';

export type { VectorSource } from '../shared/vector-source';

export interface VerifyReport {
  /** What was found and what was done about it, in words. */
  action: 'ok' | 'repaired' | 'rebuilt';
  reason: string;
  size: number;
}

/** The stored full-precision vectors of some keys (a layout that re-scores reads its candidates' from here). */
export type ExactVectors = (keys: number[]) => Map<number, Float32Array>;

export interface Hit {
  key: number;
  /** Cosine similarity. */
  score: number;
}

/**
 * A usearch HNSW index (cosine) over the library's vectors, keyed by SQLite file ids, saved next to the database.
 * It is derived data: `verify` checks it against the stored embeddings and repairs or rebuilds it, never serving a
 * stale index silently. A layout with `rescore` (large libraries' i8 graph) ranks its candidates by the stored vectors.
 */
export class VectorIndex {
  private index: UsearchIndex;
  private dirty = false;
  /** True while the index is memory-mapped from its file (fast to open, read-only until the first change). */
  private viewing = false;

  readonly layout: IndexLayout;

  constructor(
    private readonly file: string,
    readonly dim: number,
    layout: Quantization | IndexLayout = 'f32',
    private readonly exact?: ExactVectors,
  ) {
    this.layout = typeof layout === 'string' ? plainLayout(layout) : layout;
    if (this.layout.rescore > 0 && !exact) throw new Error('a re-scoring vector index needs the stored vectors to re-score against');
    this.index = this.fresh();
  }

  get quantization(): Quantization {
    return this.layout.quantization;
  }

  private fresh(): UsearchIndex {
    const { quantization, connectivity, expansion_add, expansion_search } = this.layout;
    // A loaded file keeps the connectivity it was built with; expansion_search is a search-time setting.
    return new usearch.Index({ dimensions: this.dim, metric: usearch.MetricKind.Cos, quantization: quantization as ScalarKind, connectivity, expansion_add, expansion_search, multi: false });
  }

  get size(): number {
    return Number(this.index.size());
  }

  /**
   * Loads the saved index and checks it against the stored vectors: adds what is missing, rebuilds when it cannot trust
   * it. The quick check (for startup) compares dimension, count and a spread sample of keys; the full one visits every key.
   */
  verify(source: VectorSource, { full = true }: { full?: boolean } = {}): VerifyReport {
    if (!existsSync(this.file)) return this.rebuild(source, 'no saved index');
    try {
      this.index = this.fresh();
      // The quick check only reads: map the file instead of loading it; the first change loads it for real.
      if (full) this.index.load(this.file);
      else this.index.view(this.file);
      this.viewing = !full;
    } catch (error) {
      return this.rebuild(source, `the saved index could not be read (${(error as Error).message})`);
    }
    if (Number(this.index.dimensions()) !== this.dim) return this.rebuild(source, `its dimension ${this.index.dimensions()} is not the model's ${this.dim}`);
    const expected = source.count();
    if (this.size > expected) return this.rebuild(source, `it holds ${this.size} vectors but only ${expected} are stored (stray keys)`);
    if (!full && this.size === expected) {
      const sample = source.sampleKeys(256);
      const absent = sample.filter((key) => !this.index.contains(BigInt(key)));
      if (absent.length === 0) return { action: 'ok', reason: `${this.size} vectors; count and a sample of ${sample.length} keys match the database`, size: this.size };
      return this.rebuild(source, `${absent.length} of ${sample.length} sampled keys are missing although the count matches`);
    }
    let added = 0;
    for (const { key, vector } of source.all()) {
      if (!this.index.contains(BigInt(key))) {
        this.writable();
        this.index.add(BigInt(key), vector);
        added++;
      }
    }
    if (this.size !== expected) return this.rebuild(source, `after adding ${added} missing vectors it holds ${this.size}, expected ${expected}`);
    if (added === 0) return { action: 'ok', reason: `${this.size} vectors match the database`, size: this.size };
    this.dirty = true;
    return { action: 'repaired', reason: `added ${added} vectors missing from the saved index`, size: this.size };
  }

  rebuild(source: VectorSource, reason: string): VerifyReport {
    this.index = this.fresh();
    this.viewing = false;
    // One batched, multi-threaded insert instead of one call per vector.
    const count = source.count();
    const keys = new BigUint64Array(count);
    const vectors = new Float32Array(count * this.dim);
    let i = 0;
    for (const { key, vector } of source.all()) {
      if (i === count) break;
      keys[i] = BigInt(key);
      vectors.set(vector, i * this.dim);
      i++;
    }
    if (i > 0) this.index.add(keys.subarray(0, i), vectors.subarray(0, i * this.dim), cpus().length);
    this.dirty = true;
    return { action: 'rebuilt', reason: `rebuilt from the database: ${reason}`, size: this.size };
  }

  private writable(): void {
    if (!this.viewing) return;
    const loaded = this.fresh();
    loaded.load(this.file);
    this.index = loaded;
    this.viewing = false;
  }

  add(key: number, vector: Float32Array): void {
    this.writable();
    if (this.index.contains(BigInt(key))) this.index.remove(BigInt(key));
    this.index.add(BigInt(key), vector);
    this.dirty = true;
  }

  remove(keys: number[]): void {
    if (keys.length) this.writable();
    for (const key of keys) if (this.index.contains(BigInt(key))) this.index.remove(BigInt(key));
    if (keys.length) this.dirty = true;
  }

  /** The `k` nearest by cosine similarity (re-scored exactly when the layout says so). */
  search(vector: Float32Array, k: number): Hit[] {
    if (this.size === 0 || k <= 0) return [];
    const matches = this.index.search(vector, this.candidates(k), 0);
    return this.ranked([vector], [matches.keys], [matches.distances], k)[0]!;
  }

  /**
   * Many queries at once (the near-duplicates finder): one multi-threaded usearch call instead of one per query, and
   * for a re-scoring layout one read of all their candidates. The same results as `search` on each.
   */
  searchMany(vectors: Float32Array[], k: number, threads = cpus().length): Hit[][] {
    if (vectors.length === 0) return [];
    if (this.size === 0 || k <= 0) return vectors.map(() => []);
    if (vectors.length === 1) return [this.search(vectors[0]!, k)];
    const want = this.candidates(k);
    const flat = new Float32Array(vectors.length * this.dim);
    vectors.forEach((v, i) => flat.set(v, i * this.dim));
    const batch = this.index.search(flat, want, threads) as BatchMatches;
    const keys: BigUint64Array[] = [];
    const distances: Float32Array[] = [];
    for (let i = 0; i < vectors.length; i++) {
      const found = Number(batch.counts[i]);
      keys.push(batch.keys.subarray(i * want, i * want + found));
      distances.push(batch.distances.subarray(i * want, i * want + found));
    }
    return this.ranked(vectors, keys, distances, k);
  }

  private candidates(k: number): number {
    return Math.min(this.size, Math.max(k, this.layout.rescore));
  }

  private ranked(queries: Float32Array[], keys: BigUint64Array[], distances: Float32Array[], k: number): Hit[][] {
    if (this.layout.rescore > 0) return rescored(queries, keys.map((ks) => Array.from(ks, Number)), this.exact!, k);
    return keys.map((ks, q) => Array.from(ks, (key, i) => ({ key: Number(key), score: 1 - distances[q]![i]! })));
  }

  /** Saves atomically (temp file, then rename) if anything changed. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const temp = tempNameFor(this.file);
    await mkdir(dirname(this.file), { recursive: true });
    this.index.save(temp);
    await rename(temp, this.file);
    this.dirty = false;
  }

  async delete(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
