import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/db';
import { EmbeddingsRepository } from '../storage/library/embeddings-repository';
import { VectorIndex, type Quantization } from '../vectors/vector-index';
import { VectorIndexes } from './vector-indexes';

/** A library database with `n` indexed files embedded by model "m" (4-d unit vectors). */
function embedded(n: number): EmbeddingsRepository {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/photos', 0)").run();
  const embeddings = new EmbeddingsRepository(db);
  const rows = Array.from({ length: n }, (_, i) => {
    db.prepare("INSERT INTO files (id, root_id, path, folder, name, size, mtime_ms, status) VALUES (?, 1, ?, '/photos', ?, 1, 0, 'indexed')").run(i + 1, `/photos/${i}.png`, `${i}.png`);
    const vector = new Float32Array(4);
    vector[i % 4] = 1;
    return { id: i + 1, vector };
  });
  embeddings.store('m', rows);
  return embeddings;
}

/** VectorIndexes whose openings are counted (and can be made to fail). */
function counted(embeddings: EmbeddingsRepository, precision: () => Quantization = () => 'f32') {
  const opened: string[] = [];
  let failNext = false;
  const indexes = new VectorIndexes({
    vectorsDir: mkdtempSync(join(tmpdir(), 'studio-vectors-')),
    embeddings,
    precision,
    open: (file, dim, p) => {
      opened.push(file);
      if (failNext) {
        failNext = false;
        throw new Error('disk unplugged');
      }
      return new VectorIndex(file, dim, p);
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
});
