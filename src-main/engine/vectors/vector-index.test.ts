import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../models/scene-world/random';
import { VectorIndex, type VectorSource } from './vector-index';

function unit(rng: Random, dim: number): Float32Array {
  const v = Float32Array.from({ length: dim }, () => rng.gaussian());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function source(vectors: Map<number, Float32Array>): VectorSource {
  const keys = [...vectors.keys()];
  return {
    all: () => [...vectors].map(([key, vector]) => ({ key, vector })),
    count: () => vectors.size,
    sampleKeys: (n) => keys.filter((_, i) => i % Math.max(1, Math.floor(keys.length / n)) === 0).slice(0, n),
  };
}

describe('VectorIndex', () => {
  const rng = new Random(5);
  const stored = new Map<number, Float32Array>();
  for (let i = 1; i <= 300; i++) stored.set(i, unit(rng, 32));

  it('finds the nearest vectors by cosine similarity', async () => {
    const index = new VectorIndex(join(await mkdtemp(join(tmpdir(), 'studio-vec-')), 'v.usearch'), 32);
    index.verify(source(stored));
    const hits = index.search(stored.get(42)!, 3);
    expect(hits[0]).toEqual({ key: 42, score: expect.closeTo(1, 4) });
    expect(hits[1]!.score).toBeLessThan(hits[0]!.score);
  });

  it('saves, reloads, and says when everything matches', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'studio-vec-')), 'v.usearch');
    const a = new VectorIndex(file, 32);
    expect(a.verify(source(stored)).action).toBe('rebuilt');
    await a.save();
    const b = new VectorIndex(file, 32);
    expect(b.verify(source(stored))).toMatchObject({ action: 'ok', size: 300 });
  });

  it('adds vectors the saved index missed (a crash after the db write)', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'studio-vec-')), 'v.usearch');
    const partial = new Map([...stored].slice(0, 250));
    const a = new VectorIndex(file, 32);
    a.verify(source(partial));
    await a.save();
    const report = new VectorIndex(file, 32).verify(source(stored));
    expect(report).toMatchObject({ action: 'repaired', size: 300 });
    expect(report.reason).toContain('added 50');
  });

  it('rebuilds when the index has stray keys, the wrong dimension, or is unreadable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-vec-'));
    const file = join(dir, 'v.usearch');
    const a = new VectorIndex(file, 32);
    a.verify(source(stored));
    await a.save();
    const fewer = new Map([...stored].slice(0, 100));
    expect(new VectorIndex(file, 32).verify(source(fewer))).toMatchObject({ action: 'rebuilt', size: 100, reason: expect.stringContaining('stray') });
    expect(new VectorIndex(file, 64).verify(source(new Map()))).toMatchObject({ action: 'rebuilt', reason: expect.stringMatching(/dimension|could not be read/) });
    await writeFile(file, 'garbage');
    expect(new VectorIndex(file, 32).verify(source(stored))).toMatchObject({ action: 'rebuilt', size: 300 });
  });

  it('a quick check trusts count and a key sample, and still catches a swapped set of the same size', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'studio-vec-')), 'v.usearch');
    const a = new VectorIndex(file, 32);
    a.verify(source(stored));
    await a.save();
    expect(new VectorIndex(file, 32).verify(source(stored), { full: false })).toMatchObject({ action: 'ok', reason: expect.stringContaining('sample') });
    // A memory-mapped index becomes writable on the first change.
    const viewed = new VectorIndex(file, 32);
    viewed.verify(source(stored), { full: false });
    viewed.add(9999, stored.get(1)!);
    expect(viewed.size).toBe(301);
    expect(viewed.search(stored.get(1)!, 2).map((h) => h.key).sort()).toEqual([1, 9999]);
    const other = new Map([...stored].map(([k, v]) => [k + 1000, v]));
    expect(new VectorIndex(file, 32).verify(source(other), { full: false })).toMatchObject({ action: 'rebuilt', size: 300 });
  });

  it('supports f16 and i8 storage', async () => {
    for (const q of ['f16', 'i8'] as const) {
      const index = new VectorIndex(join(await mkdtemp(join(tmpdir(), 'studio-vec-')), 'v.usearch'), 32, q);
      index.verify(source(stored));
      expect(index.search(stored.get(7)!, 1)[0]!.key).toBe(7);
    }
  });
});
