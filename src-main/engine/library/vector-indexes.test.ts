import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/db';
import { EmbeddingsRepository } from '../storage/library/embeddings-repository';
import { VectorIndex, type Quantization } from '../vectors/vector-index';
import { VectorIndexes } from './vector-indexes';

/** Stores files `from`..`to` (1-based ids) with 4-d unit vectors for model "m". */
function addEmbedded(embeddings: EmbeddingsRepository, db: ReturnType<typeof openDatabase>, from: number, to: number): void {
  const rows = [];
  for (let id = from; id <= to; id++) {
    db.prepare("INSERT INTO files (id, root_id, path, folder, name, size, mtime_ms, status) VALUES (?, 1, ?, '/photos', ?, 1, 0, 'indexed')").run(id, `/photos/${id}.png`, `${id}.png`);
    const vector = new Float32Array(4);
    vector[(id - 1) % 4] = 1;
    // A little of a second axis, different for each file, so the exact order is unique.
    vector[id % 4] = id / 1000;
    rows.push({ id, vector });
  }
  embeddings.store('m', rows);
}

/** A library database with `n` indexed files embedded by model "m" (4-d vectors). */
function embedded(n: number): EmbeddingsRepository {
  return withDb(n).embeddings;
}

function withDb(n: number) {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/photos', 0)").run();
  const embeddings = new EmbeddingsRepository(db);
  addEmbedded(embeddings, db, 1, n);
  return { db, embeddings };
}

/** VectorIndexes whose openings are counted (and can be made to fail). */
function counted(embeddings: EmbeddingsRepository, precision: () => Quantization = () => 'f32', largeLibrary?: number) {
  const opened: string[] = [];
  let failNext = false;
  const indexes = new VectorIndexes({
    vectorsDir: mkdtempSync(join(tmpdir(), 'studio-vectors-')),
    embeddings,
    precision,
    ...(largeLibrary ? { largeLibrary } : {}),
    open: (file, dim, layout, exact) => {
      opened.push(file);
      if (failNext) {
        failNext = false;
        throw new Error('disk unplugged');
      }
      return new VectorIndex(file, dim, layout, exact);
    },
  });
  return { indexes, opened, failOnce: () => (failNext = true) };
}

describe('vector indexes', () => {
  it('opens a model’s index once for searches and a check that arrive together, and keeps it open', async () => {
    const { indexes, opened } = counted(embedded(12));
    const [a, b, check] = await Promise.all([indexes.get('m', null), indexes.get('m', null), indexes.verify('m', null)]);
    expect(a).toBe(b);
    expect(check).toBe('ok: 12 vectors match the database');
    expect(opened).toHaveLength(1);
    expect(await indexes.get('m', null)).toBe(a);
    expect(indexes.current('m')?.index).toBe(a);
    expect(opened).toHaveLength(1);
    await indexes.close();
  });

  it('opens again after a failed opening instead of keeping the failure', async () => {
    const { indexes, opened, failOnce } = counted(embedded(4));
    failOnce();
    await expect(Promise.all([indexes.get('m', null), indexes.get('m', null)])).rejects.toThrow(/disk unplugged/);
    expect(opened).toHaveLength(1);
    expect((await indexes.get('m', null)).size).toBe(4);
    expect(opened).toHaveLength(2);
  });

  it('opens a second index when the precision changes, and drops the first', async () => {
    let precision: Quantization = 'f32';
    const { indexes, opened } = counted(embedded(8), () => precision);
    const f32 = await indexes.get('m', null);
    precision = 'f16';
    const f16 = await indexes.get('m', null);
    expect(f16).not.toBe(f32);
    expect(opened.map((f) => f.split(/[\\/]/).pop())).toEqual(['m.f32.usearch', 'm.f16.usearch']);
    indexes.forget([1, 2]);
    expect(f16.size).toBe(6);
  });

  it('switches a growing f16 library to the i8 graph with exact re-scoring at the large-library size, at its next check', async () => {
    const { db, embeddings } = withDb(8);
    const { indexes, opened } = counted(embeddings, () => 'f16', 10);
    const small = await indexes.get('m', null);
    expect(small.layout).toMatchObject({ quantization: 'f16', rescore: 0 });
    addEmbedded(embeddings, db, 9, 9);
    // One short of the threshold: the check keeps the f16 index (and repairs it).
    expect(await indexes.verify('m', null)).toBe('repaired: added 1 vectors missing from the saved index');
    expect(await indexes.get('m', null)).toBe(small);
    addEmbedded(embeddings, db, 10, 12);
    // Searches keep the open index until the next check (or launch) opens the one the size calls for.
    expect(await indexes.get('m', null)).toBe(small);
    const check = await indexes.verify('m', null);
    expect(check).toMatch(/^rebuilt: rebuilt from the database: no saved index \(i8 graph .*top 40 re-scored exactly\)$/);
    const large = await indexes.get('m', null);
    expect(large).not.toBe(small);
    expect(large.layout).toMatchObject({ quantization: 'i8', rescore: 40 });
    expect(opened.map((f) => f.split(/[\\/]/).pop())).toEqual(['m.f16.usearch', 'm.i8.usearch']);
    // Scores are the exact cosines of the stored f32 vectors.
    const query = Float32Array.from([1, 0.05, 0, 0]);
    const hits = large.search(query, 3);
    const stored = embeddings.vectorsOf('m', hits.map((h) => h.key));
    for (const hit of hits) {
      const v = stored.get(hit.key)!;
      expect(hit.score).toBeCloseTo((v[0]! * 1 + v[1]! * 0.05) / (Math.hypot(...v) * Math.hypot(...query)), 6);
    }
    expect(hits.map((h) => h.key)).toEqual([9, 5, 1]);
  });

  it('opens an i8 index saved before re-scoring existed as it is, without rebuilding it', async () => {
    const { embeddings } = withDb(12);
    const first = counted(embeddings, () => 'i8');
    const dir = first.indexes['options'].vectorsDir;
    const old = new VectorIndex(join(dir, 'm.i8.usearch'), 4, 'i8');
    old.verify(embeddings.source('m'));
    await old.save();
    const index = await first.indexes.get('m', null);
    expect(first.indexes.current('m')?.check).toMatch(/^ok: 12 vectors; count and a sample of \d+ keys match the database \(i8 graph/);
    expect(index.layout.rescore).toBe(40);
  });
});
