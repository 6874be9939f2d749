import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import usearch from 'usearch';
import type { BatchMatches, ScalarKind } from 'usearch';
import { Random } from '../../models/scene-world/random';
import { HNSW_SETTINGS } from '../../src-main/engine/vectors/vector-index';
import { openDatabase } from '../../src-main/engine/storage/db';
import type { Sample } from '../measure';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function unitVectors(count: number, dim: number, rng: Random): Float32Array {
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
function clusteredVectors(count: number, dim: number, clusters: number, rng: Random, centres?: Float32Array): { data: Float32Array; centres: Float32Array } {
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

/**
 * usearch (HNSW) vs. exact search on synthetic 512-d vectors: build time, memory per vector, latency, recall@10.
 * `efSweep`: search-effort values (expansion_search) to try on the f16 index, reopened from its file for each.
 */
export async function vectorSearch(
  log: (l: string) => void,
  count = 100_000,
  { quantizations = ['f32', 'f16', 'i8'] as const, efSweep = [] as number[] }: { quantizations?: readonly ('f32' | 'f16' | 'i8')[]; efSweep?: number[] } = {},
): Promise<{ samples: Sample[]; figures: Figure[] }> {
  const dim = 512;
  const rng = new Random(123);
  log(`bench: ${count} clustered ${dim}-d vectors`);
  const { data, centres } = clusteredVectors(count, dim, Math.max(10, Math.round(count / 50)), rng);
  const queries = 200;
  // Queries are new members of the same clusters: a new photo of a kind the library has.
  const q = clusteredVectors(queries, dim, centres.length / dim, rng, centres).data;
  const keys = BigUint64Array.from({ length: count }, (_, i) => BigInt(i));
  const truth = usearch.exactSearch(data, q, dim, 10, usearch.MetricKind.Cos) as BatchMatches;
  const truthSets = Array.from({ length: queries }, (_, i) => new Set(Array.from(truth.keys.slice(i * 10, i * 10 + 10), Number)));

  const samples: Sample[] = [];
  const figures: Figure[] = [];
  const latency = (label: string, search: (i: number) => void) => {
    const times: number[] = [];
    for (let i = 0; i < queries; i++) {
      const t = performance.now();
      search(i);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const p = (x: number) => round(times[Math.min(times.length - 1, Math.ceil(x * times.length) - 1)]!, 3);
    samples.push({ suite: `vector search k=10, ${count / 1000}k × ${dim}-d`, variant: label, iterations: queries, opsPerSec: Math.round(1000 / (times.reduce((a, b) => a + b) / queries)), itemsPerSec: 0, p50Ms: p(0.5), p95Ms: p(0.95), meanMs: round(times.reduce((a, b) => a + b) / queries, 3) });
  };
  latency('exact (brute force, usearch.exactSearch)', (i) => usearch.exactSearch(data, q.subarray(i * dim, (i + 1) * dim), dim, 10, usearch.MetricKind.Cos));

  const dir = await mkdtemp(join(tmpdir(), 'studio-bench-vec-'));
  for (const quantization of quantizations) {
    // The same settings as the library's VectorIndex.
    const index = new usearch.Index({ dimensions: dim, metric: usearch.MetricKind.Cos, quantization: quantization as ScalarKind, ...HNSW_SETTINGS });
    const t = performance.now();
    index.add(keys, data, 2);
    const buildSeconds = (performance.now() - t) / 1000;
    let hits = 0;
    latency(`usearch HNSW ${quantization}`, (i) => {
      const m = index.search(q.subarray(i * dim, (i + 1) * dim), 10, 1);
      for (const k of m.keys) if (truthSets[i]!.has(Number(k))) hits++;
    });
    const file = join(dir, `${quantization}.usearch`);
    index.save(file);
    const bytes = (await stat(file)).size;
    figures.push(
      { name: `usearch ${quantization}: recall@10 vs exact (${count / 1000}k)`, value: round(hits / (queries * 10), 3), unit: '', target: '≥ 0.95' },
      { name: `usearch ${quantization}: build time (${count / 1000}k, 2 threads)`, value: round(buildSeconds), unit: 's' },
      { name: `usearch ${quantization}: bytes per vector on disk`, value: Math.round(bytes / count), unit: 'B' },
    );
    log(`bench: usearch ${quantization} built in ${round(buildSeconds)} s`);
    if (quantization !== 'f16') continue;
    for (const ef of efSweep) {
      const reopened = new usearch.Index({ dimensions: dim, metric: usearch.MetricKind.Cos, quantization: quantization as ScalarKind, ...HNSW_SETTINGS, expansion_search: ef });
      reopened.view(file);
      let found = 0;
      latency(`usearch HNSW f16, expansion_search ${ef}`, (i) => {
        const m = reopened.search(q.subarray(i * dim, (i + 1) * dim), 10, 1);
        for (const k of m.keys) if (truthSets[i]!.has(Number(k))) found++;
      });
      figures.push({ name: `usearch f16, expansion_search ${ef}: recall@10 vs exact (${count / 1000}k)`, value: round(found / (queries * 10), 3), unit: '', target: '≥ 0.95' });
    }
  }
  await rm(dir, { recursive: true, force: true });
  return { samples, figures };
}

/** A data dir holding a library of `count` synthetic photos (rows and 512-d embeddings, no files), for scale tests. */
export async function syntheticLibrary(count: number, log: (l: string) => void): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'studio-bench-lib100k-'));
  const db = openDatabase(join(dataDir, 'library', 'library.db'));
  const vectors = clusteredVectors(count, 512, Math.max(10, Math.round(count / 50)), new Random(7)).data;
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/photos', 0)").run();
  const file = db.prepare("INSERT INTO files (id, root_id, path, folder, name, size, mtime_ms, status, hash, width, height, thumb) VALUES (?, 1, ?, '/photos', ?, 1000, 0, 'indexed', ?, 4000, 3000, NULL)");
  const emb = db.prepare("INSERT INTO embeddings (file_id, model, dim, vector) VALUES (?, 'clip-vit-b32', 512, ?)");
  db.transaction(() => {
    for (let i = 1; i <= count; i++) {
      file.run(i, `/photos/p${i}.jpg`, `p${i}.jpg`, i.toString(16));
      emb.run(i, Buffer.from(vectors.buffer, (i - 1) * 2048, 2048));
    }
  })();
  db.close();
  log(`bench: synthetic library of ${count} photos written`);
  return dataDir;
}

/** Cold start: a fresh process opens a 100k-photo library and answers "more like this" — launch to first result. */
export async function coldStart(log: (l: string) => void, count = 100_000): Promise<Figure[]> {
  const dataDir = await syntheticLibrary(count, log);
  const run = () => {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['out/main/cli.js', 'search', '--like', '42', '--limit', '10', '--json', '--data-dir', dataDir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return { ms: performance.now() - t, first: JSON.parse(r.stdout)[0] };
  };
  const first = run(); // builds and saves the vector index from the database (first launch after an upgrade or a crash)
  const warm = [run(), run(), run()].map((r) => r.ms).sort((a, b) => a - b);
  await rm(dataDir, { recursive: true, force: true });
  return [
    { name: `cold start to first result, ${count / 1000}k library (fresh process, index loaded from disk; median of 3)`, value: Math.round(warm[1]!), unit: 'ms', target: '< 500' },
    { name: `first launch with no saved index (${count / 1000}k vectors rebuilt from the database)`, value: Math.round(first.ms), unit: 'ms', note: `top hit ${first.first?.path}` },
  ];
}
