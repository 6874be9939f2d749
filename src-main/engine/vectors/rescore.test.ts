import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../models/scene-world/random';
import { LARGE_LIBRARY_LAYOUT, plainLayout } from './index-layout';
import { VectorIndex, type VectorSource } from './vector-index';

const DIM = 32;

function normalised(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/**
 * 200 near-copies of one direction, so close that their cosines to a query differ by less than i8's rounding: an i8 graph
 * orders them wrongly, while the true top ten are still among its top candidates.
 */
function crowded(rng: Random): Map<number, Float32Array> {
  const base = Float32Array.from({ length: DIM }, () => rng.gaussian());
  const stored = new Map<number, Float32Array>();
  for (let key = 1; key <= 200; key++) stored.set(key, normalised(base.map((x) => x + 0.1 * rng.gaussian())));
  return stored;
}

const source = (stored: Map<number, Float32Array>): VectorSource => ({
  all: () => [...stored].map(([key, vector]) => ({ key, vector })),
  count: () => stored.size,
  sampleKeys: (n) => [...stored.keys()].slice(0, n),
});

function exactTop(stored: Map<number, Float32Array>, query: Float32Array, k: number): number[] {
  const dot = (v: Float32Array) => v.reduce((s, x, i) => s + x * query[i]!, 0);
  return [...stored].map(([key, v]) => ({ key, score: dot(v) })).sort((a, b) => b.score - a.score).slice(0, k).map((h) => h.key);
}

describe('i8 search with exact re-scoring', () => {
  it('returns exactly the brute-force top ten, in order, where the i8 graph alone mis-orders them', async () => {
    const rng = new Random(11);
    const stored = crowded(rng);
    const dir = await mkdtemp(join(tmpdir(), 'studio-rescore-'));
    const reads: number[][] = [];
    const exact = (keys: number[]) => {
      reads.push(keys);
      return new Map(keys.map((k) => [k, stored.get(k)!]));
    };
    const plain = new VectorIndex(join(dir, 'plain.usearch'), DIM, plainLayout('i8'));
    plain.verify(source(stored));
    const rescoring = new VectorIndex(join(dir, 'rescored.usearch'), DIM, LARGE_LIBRARY_LAYOUT, exact);
    rescoring.verify(source(stored));
    let misordered = 0;
    for (let i = 0; i < 20; i++) {
      const query = normalised(stored.get(1 + i * 7)!.map((x) => x + 0.01 * rng.gaussian()));
      const truth = exactTop(stored, query, 10);
      if (plain.search(query, 10).map((h) => h.key).join() !== truth.join()) misordered++;
      const hits = rescoring.search(query, 10);
      expect(hits.map((h) => h.key)).toEqual(truth);
      expect(hits[0]!.score).toBeCloseTo(stored.get(truth[0]!)!.reduce((s, x, j) => s + x * query[j]!, 0), 5);
    }
    // The case the re-scoring is for: i8 alone gets the order (or the set) wrong on most of these queries.
    expect(misordered).toBeGreaterThan(15);
    // Only the candidates are read back, never the whole library.
    expect(reads.every((keys) => keys.length === LARGE_LIBRARY_LAYOUT.rescore)).toBe(true);
  });

  it('drops a candidate whose stored vector is gone, and refuses a re-scoring layout without stored vectors', async () => {
    const stored = crowded(new Random(3));
    const dir = await mkdtemp(join(tmpdir(), 'studio-rescore-'));
    const index = new VectorIndex(join(dir, 'v.usearch'), DIM, LARGE_LIBRARY_LAYOUT, (keys) => new Map(keys.filter((k) => k !== 5).map((k) => [k, stored.get(k)!])));
    index.verify(source(stored));
    expect(index.search(stored.get(5)!, 10).map((h) => h.key)).not.toContain(5);
    expect(() => new VectorIndex(join(dir, 'w.usearch'), DIM, LARGE_LIBRARY_LAYOUT)).toThrow(/stored vectors/);
  });
});

describe('batched search', () => {
  it('gives the same hits as one search per query, plain and re-scored', async () => {
    const rng = new Random(8);
    const stored = new Map<number, Float32Array>();
    for (let key = 1; key <= 2000; key++) stored.set(key, normalised(Float32Array.from({ length: DIM }, () => rng.gaussian())));
    const queries = Array.from({ length: 300 }, () => normalised(Float32Array.from({ length: DIM }, () => rng.gaussian())));
    const dir = await mkdtemp(join(tmpdir(), 'studio-batch-'));
    const layouts = [plainLayout('f16'), plainLayout('f32'), LARGE_LIBRARY_LAYOUT];
    for (const [i, layout] of layouts.entries()) {
      const index = new VectorIndex(join(dir, `${i}.usearch`), DIM, layout, (keys) => new Map(keys.map((k) => [k, stored.get(k)!])));
      index.verify(source(stored));
      const batched = index.searchMany(queries, 8, 2);
      expect(batched).toHaveLength(queries.length);
      expect(batched).toEqual(queries.map((q) => index.search(q, 8)));
      expect(batched.every((hits) => hits.length === 8)).toBe(true);
    }
  });
});
