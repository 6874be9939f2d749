import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../models/scene-world/random';
import type { JobContext } from '../jobs/job-context';
import { openDatabase } from '../storage/db';
import { EmbeddingsRepository } from '../storage/library/embeddings-repository';
import { ListingRepository } from '../storage/library/listing-repository';
import { LARGE_LIBRARY_LAYOUT, plainLayout } from '../vectors/index-layout';
import { VectorIndex } from '../vectors/vector-index';
import { nearDuplicateGroups } from './near-duplicates';

const DIM = 16;

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** 700 photos (several batches, the last one partial): triples of near-copies among unrelated singles. */
function library() {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/photos', 0)").run();
  const rng = new Random(21);
  const rows: { id: number; vector: Float32Array }[] = [];
  let base: Float32Array = new Float32Array(DIM);
  for (let id = 1; id <= 700; id++) {
    db.prepare("INSERT INTO files (id, root_id, path, folder, name, size, mtime_ms, status) VALUES (?, 1, ?, '/photos', ?, 1, 0, 'indexed')").run(id, `/photos/${id}.png`, `${id}.png`);
    if (id % 7 === 0 || id % 7 === 1 || id % 7 > 3) base = unit(Float32Array.from({ length: DIM }, () => rng.gaussian()));
    rows.push({ id, vector: unit(base.map((x) => x + 0.002 * rng.gaussian())) });
  }
  const embeddings = new EmbeddingsRepository(db);
  embeddings.store('m', rows);
  return { embeddings, listing: new ListingRepository(db) };
}

const ctx = (): JobContext & { last: number } => {
  const c = { signal: new AbortController().signal, last: 0, progress: (done: number) => (c.last = done), throwIfCancelled: () => {}, checkpoint: async () => {} };
  return c;
};

/** The groups as one search per photo finds them (the finder before batching), as sorted id lists. */
function oneByOne(store: ReturnType<typeof library>, index: VectorIndex, threshold: number): number[][] {
  const edges = new Map<number, Set<number>>();
  const link = (a: number, b: number) => {
    edges.set(a, (edges.get(a) ?? new Set()).add(b));
    edges.set(b, (edges.get(b) ?? new Set()).add(a));
  };
  for (const { key, vector } of store.embeddings.source('m').all()) {
    for (const hit of index.search(vector, 8)) if (hit.key !== key && hit.score >= threshold) link(key, hit.key);
  }
  const seen = new Set<number>();
  const groups: number[][] = [];
  for (const start of edges.keys()) {
    if (seen.has(start)) continue;
    const group: number[] = [];
    const stack = [start];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      group.push(id);
      stack.push(...edges.get(id)!);
    }
    groups.push(group.sort((a, b) => a - b));
  }
  return groups.sort((a, b) => a[0]! - b[0]!);
}

describe('near-duplicate groups', () => {
  it('finds with batched searches exactly the groups one search per photo finds', async () => {
    const store = library();
    for (const layout of [plainLayout('f32'), LARGE_LIBRARY_LAYOUT]) {
      const index = new VectorIndex(join(mkdtempSync(join(tmpdir(), 'studio-near-')), 'v.usearch'), DIM, layout, (keys) => store.embeddings.vectorsOf('m', keys));
      index.verify(store.embeddings.source('m'));
      const job = ctx();
      const groups = await nearDuplicateGroups(store, 'm', async () => index, job, 0.99);
      const ids = groups.map((g) => g.map((item) => item.id).sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
      expect(ids).toEqual(oneByOne(store, index, 0.99));
      // 100 runs of three near-copies (ids 7k+1..7k+3).
      expect(ids).toHaveLength(100);
      expect(ids.every((g) => g.length === 3 && g[0]! % 7 === 1)).toBe(true);
      expect(job.last).toBe(700);
    }
  });
});
