import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db';
import { EmbeddingsRepository } from './embeddings-repository';

/** A library with files 1..count whose ids `keep` says, embedded by `model` (and every fifth by another model too). */
function library(count: number, keep: (id: number) => boolean = () => true) {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/p', 0)").run();
  const file = db.prepare("INSERT INTO files (id, root_id, path, folder, name, size, mtime_ms, status) VALUES (?, 1, ?, '/p', ?, 1, 0, 'indexed')");
  const embeddings = new EmbeddingsRepository(db);
  const ids: number[] = [];
  for (let id = 1; id <= count; id++) {
    file.run(id, `/p/${id}.png`, `${id}.png`);
    if (keep(id)) ids.push(id);
  }
  embeddings.store('clip', ids.map((id) => ({ id, vector: Float32Array.of(id, 1) })));
  embeddings.store('other', ids.filter((id) => id % 5 === 0).map((id) => ({ id, vector: Float32Array.of(1, id) })));
  return { db, embeddings, ids };
}

describe('embeddings repository', () => {
  it('samples stored keys spread from the first to the last, each one stored, none twice', () => {
    const { embeddings, ids } = library(1000, (id) => id % 7 !== 0 && id > 30);
    const sample = embeddings.source('clip').sampleKeys(50);
    expect(sample.length).toBe(50);
    expect(new Set(sample).size).toBe(50);
    expect(sample.every((k) => ids.includes(k))).toBe(true);
    expect(sample[0]).toBe(ids[0]);
    expect(sample.at(-1)).toBe(ids.at(-1));
    // Spread: every tenth of the id range holds some of the sample.
    for (let tenth = 0; tenth < 10; tenth++) expect(sample.some((k) => k > 31 + tenth * 97 && k <= 31 + (tenth + 1) * 97)).toBe(true);
  });

  it('samples no more keys than are stored, and none for a model without vectors', () => {
    const { embeddings } = library(12, (id) => id % 3 === 0);
    expect(embeddings.source('clip').sampleKeys(256).sort((a, b) => a - b)).toEqual([3, 6, 9, 12]);
    expect(embeddings.source('unknown').sampleKeys(256)).toEqual([]);
  });

  it('says whether another model has vectors', () => {
    const { db, embeddings } = library(20);
    expect(embeddings.hasOtherModels('clip')).toBe(true);
    db.prepare("DELETE FROM embeddings WHERE model = 'other'").run();
    expect(embeddings.hasOtherModels('clip')).toBe(false);
    expect(embeddings.hasOtherModels('other')).toBe(true);
  });
});
