import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import usearch from 'usearch';
import type { BatchMatches } from 'usearch';
import { Random } from '../../models/scene-world/random';
import { EmbeddingsRepository } from '../../src-main/engine/storage/library/embeddings-repository';
import { openDatabase } from '../../src-main/engine/storage/db';
import { HNSW_SETTINGS, LARGE_LIBRARY_LAYOUT } from '../../src-main/engine/vectors/vector-index';
import type { Sample } from '../measure';
import type { Figure } from './figure';
import { buildLabel, cachedBuild, newIndex, type BuildParams } from './vector-cache';
import { clusteredVectors } from './synthetic-vectors';

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export interface VectorGrid {
  /** Plain HNSW builds, searched for the top ten directly. */
  plain: BuildParams[];
  /** Builds whose top `rescore` candidates are re-scored exactly against the f32 vectors. */
  rescored: BuildParams[];
  /** expansion_search values tried on every build. */
  efs: number[];
  /** Candidates re-scored (C) on the `rescored` builds. */
  rescore: number[];
}

/** What `npm run bench -- --only vectors` measures without grid options: the library's two layouts, at several search efforts. */
export const DEFAULT_GRID: VectorGrid = {
  plain: [{ quantization: 'f16', connectivity: HNSW_SETTINGS.connectivity, expansionAdd: HNSW_SETTINGS.expansion_add }],
  rescored: [{ quantization: 'i8', connectivity: LARGE_LIBRARY_LAYOUT.connectivity, expansionAdd: LARGE_LIBRARY_LAYOUT.expansion_add }],
  // Searching is cheap next to building: the search side of the grid comes with the two builds.
  efs: [...new Set([64, 96, 128, 192, HNSW_SETTINGS.expansion_search, LARGE_LIBRARY_LAYOUT.expansion_search])].sort((a, b) => a - b),
  rescore: [...new Set([20, 40, 80, LARGE_LIBRARY_LAYOUT.rescore])].sort((a, b) => a - b),
};

export interface GridRow {
  build: string;
  ef: number;
  rescore: number;
  recall: number;
  p50: number;
  p95: number;
  buildSeconds: number;
  bytesPerVector: number;
  cached: boolean;
}

const DIM = 512;
const SEED = 123;
const QUERIES = 200;

/**
 * usearch (HNSW) vs. exact search on clustered synthetic 512-d vectors, over a grid of build settings (quantization,
 * connectivity M, expansion_add), search effort (expansion_search) and exact re-scoring of the top C candidates:
 * recall@10 against brute force, p50/p95 per query (one thread), build time (2 threads) and bytes per vector.
 * Built indexes are cached under models/fixtures-large/vectors-<count>/ so a rerun measures searches only.
 */
export async function vectorSearch(log: (l: string) => void, count = 100_000, grid: VectorGrid = DEFAULT_GRID): Promise<{ samples: Sample[]; figures: Figure[]; rows: GridRow[] }> {
  const rng = new Random(SEED);
  log(`bench: ${count} clustered ${DIM}-d vectors`);
  const { data, centres } = clusteredVectors(count, DIM, Math.max(10, Math.round(count / 50)), rng);
  // Queries are new members of the same clusters: a new photo of a kind the library has.
  const q = clusteredVectors(QUERIES, DIM, centres.length / DIM, rng, centres).data;
  const query = (i: number) => q.subarray(i * DIM, (i + 1) * DIM);
  const truth = usearch.exactSearch(data, q, DIM, 10, usearch.MetricKind.Cos, 2) as BatchMatches;
  const truthSets = Array.from({ length: QUERIES }, (_, i) => new Set(Array.from(truth.keys.slice(i * 10, i * 10 + 10), Number)));
  const suite = `vector search k=10, ${count / 1000}k × ${DIM}-d`;
  const samples: Sample[] = [];
  const figures: Figure[] = [];
  const rows: GridRow[] = [];

  /** Runs every query once to warm the mapped pages, then again timed; returns recall@10 and the percentiles. */
  const measure = (label: string, top10: (i: number) => ArrayLike<number>) => {
    for (let i = 0; i < QUERIES; i++) top10(i);
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < QUERIES; i++) {
      const t = performance.now();
      const keys = top10(i);
      times.push(performance.now() - t);
      for (let j = 0; j < keys.length; j++) if (truthSets[i]!.has(keys[j]!)) hits++;
    }
    times.sort((a, b) => a - b);
    const p = (x: number) => round(times[Math.min(times.length - 1, Math.ceil(x * times.length) - 1)]!, 3);
    const mean = times.reduce((a, b) => a + b) / QUERIES;
    samples.push({ suite, variant: label, iterations: QUERIES, opsPerSec: Math.round(1000 / mean), itemsPerSec: 0, p50Ms: p(0.5), p95Ms: p(0.95), meanMs: round(mean, 3) });
    return { recall: round(hits / (QUERIES * 10), 3), p50: p(0.5), p95: p(0.95) };
  };
  measure('exact (brute force, usearch.exactSearch)', (i) => Array.from((usearch.exactSearch(data, query(i), DIM, 10, usearch.MetricKind.Cos, 1) as { keys: BigUint64Array }).keys, Number));

  const cacheDir = join(process.cwd(), 'models', 'fixtures-large', `vectors-${count}`);
  const source = { vectors: () => data, count, dim: DIM, seed: SEED };
  // A build both plain and re-scored is built (and listed) once, searched both ways.
  const byLabel = new Map<string, { b: BuildParams; rescore: number[] }>();
  for (const [list, rescore] of [[grid.plain, [0]], [grid.rescored, grid.rescore]] as const) {
    for (const b of list) {
      const entry = byLabel.get(buildLabel(b)) ?? { b, rescore: [] };
      entry.rescore.push(...rescore);
      byLabel.set(buildLabel(b), entry);
    }
  }
  const builds = [...byLabel.values()];
  for (const { b, rescore } of builds) {
    const built = await cachedBuild(cacheDir, source, b, 2, log);
    const bytesPerVector = Math.round((await stat(built.file)).size / count);
    figures.push(
      { name: `usearch ${buildLabel(b)}: build time (${count / 1000}k, 2 threads${built.cached ? ', from the cache of an earlier run' : ''})`, value: round(built.buildSeconds), unit: 's' },
      { name: `usearch ${buildLabel(b)}: bytes per vector on disk`, value: bytesPerVector, unit: 'B' },
    );
    for (const ef of grid.efs) {
      const index = newIndex(DIM, b, ef);
      index.view(built.file);
      for (const c of rescore) {
        const label = `usearch HNSW ${buildLabel(b)}, ef ${ef}${c ? `, top ${c} re-scored exactly` : ''}`;
        const result = measure(label, (i) => {
          if (!c) return Array.from(index.search(query(i), 10, 1).keys, Number);
          return rescoreTop10(index.search(query(i), c, 1).keys, query(i), data);
        });
        rows.push({ build: buildLabel(b), ef, rescore: c, ...result, buildSeconds: round(built.buildSeconds), bytesPerVector, cached: built.cached });
        figures.push({ name: `${label}: recall@10 vs exact (${count / 1000}k)`, value: result.recall, unit: '', target: '≥ 0.95' });
        log(`bench: ${label}: recall ${result.recall}, p50 ${result.p50} ms, p95 ${result.p95} ms`);
      }
    }
  }
  figures.push(...(await candidateFetch(log)), ...batchedSearch(data, q, count, log));
  return { samples, figures, rows };
}

/** The exact top ten of HNSW's candidates, by cosine against the full-precision vectors (unit length: a dot product). */
function rescoreTop10(candidates: BigUint64Array, query: Float32Array, data: Float32Array): number[] {
  const scored: { key: number; score: number }[] = [];
  for (const k of candidates) {
    const key = Number(k);
    let dot = 0;
    for (let d = 0, o = key * DIM; d < DIM; d++) dot += query[d]! * data[o + d]!;
    scored.push({ key, score: dot });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, 10).map((s) => s.key);
}

/**
 * The library re-scores from SQLite, not from memory: the cost of fetching C f32 vectors by id with the repository's
 * own query, on a 50k-row table (one B-tree level shallower than a million; the grid's in-memory re-scoring plus this
 * is the library's latency).
 */
async function candidateFetch(log: (l: string) => void): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'studio-bench-fetch-'));
  const db = openDatabase(join(dir, 'library.db'));
  const rows = 50_000;
  const rng = new Random(5);
  const blob = Buffer.alloc(DIM * 4);
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/photos', 0)").run();
  const file = db.prepare("INSERT INTO files (id, root_id, path, folder, name, size, mtime_ms, status, hash, width, height, thumb) VALUES (?, 1, ?, '/photos', ?, 1000, 0, 'indexed', ?, 1, 1, NULL)");
  const emb = db.prepare("INSERT INTO embeddings (file_id, model, dim, vector) VALUES (?, 'm', ?, ?)");
  db.transaction(() => {
    for (let i = 1; i <= rows; i++) {
      file.run(i, `/photos/p${i}.jpg`, `p${i}.jpg`, i.toString(16));
      emb.run(i, DIM, blob);
    }
  })();
  const repo = new EmbeddingsRepository(db);
  const figures: Figure[] = [];
  for (const c of [...new Set([20, 40, 80, LARGE_LIBRARY_LAYOUT.rescore])].sort((a, b) => a - b)) {
    const times: number[] = [];
    for (let i = 0; i < 300; i++) {
      const ids = Array.from({ length: c }, () => 1 + Math.floor(rng.next() * rows));
      const t = performance.now();
      repo.vectorsOf('m', ids);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const p = (x: number) => round(times[Math.ceil(x * times.length) - 1]!, 3);
    figures.push({ name: `fetch ${c} candidates' f32 vectors by id from SQLite (p50; p95 in the note; ${rows / 1000}k rows)`, value: p(0.5), unit: 'ms', note: `p95 ${p(0.95)} ms` });
  }
  db.close();
  await rm(dir, { recursive: true, force: true });
  log('bench: measured candidate fetches from SQLite');
  return figures;
}

/** Many queries at once (near-duplicates, eval): one batched, multi-threaded call against one call per query. */
function batchedSearch(data: Float32Array, q: Float32Array, count: number, log: (l: string) => void): Figure[] {
  const b: BuildParams = { quantization: 'f16', connectivity: HNSW_SETTINGS.connectivity, expansionAdd: HNSW_SETTINGS.expansion_add };
  const n = Math.min(count, 20_000);
  const index = newIndex(DIM, b, HNSW_SETTINGS.expansion_search);
  index.add(BigUint64Array.from({ length: n }, (_, i) => BigInt(i)), data.subarray(0, n * DIM), 2);
  let t = performance.now();
  for (let i = 0; i < QUERIES; i++) index.search(q.subarray(i * DIM, (i + 1) * DIM), 10, 1);
  const single = (QUERIES * 1000) / (performance.now() - t);
  t = performance.now();
  index.search(q, 10, 2);
  const batched = (QUERIES * 1000) / (performance.now() - t);
  log('bench: measured batched search');
  return [
    { name: `${QUERIES} queries one call each (${n / 1000}k f16 index)`, value: Math.round(single), unit: 'queries/s' },
    { name: `${QUERIES} queries in one batched call, 2 threads (same index)`, value: Math.round(batched), unit: 'queries/s' },
  ];
}

/** The grid as a markdown table for bench/README.md. */
export function gridTable(rows: GridRow[]): string {
  return [
    '| build | expansion_search | re-scored C | recall@10 | p50 ms | p95 ms | build s | bytes/vector |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.build} | ${r.ef} | ${r.rescore || '—'} | ${r.recall} | ${r.p50} | ${r.p95} | ${r.buildSeconds}${r.cached ? ' (cached)' : ''} | ${r.bytesPerVector} |`),
  ].join('\n');
}
