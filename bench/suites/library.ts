import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import usearch from 'usearch';
import type { BatchMatches, ScalarKind } from 'usearch';
import { ensureFixtures } from '../../models/fixtures';
import { clusteredVectors } from './synthetic-vectors';
import { Random } from '../../models/scene-world/random';
import { ClipModel } from '../../src-main/engine/clip/clip-model';
import { HNSW_SETTINGS } from '../../src-main/engine/vectors/vector-index';
import { CLIP_PREPROCESS } from '../../src-main/engine/clip/preprocess';
import { JobRunner } from '../../src-main/engine/jobs/runner';
import { openDatabase } from '../../src-main/engine/storage/db';
import { Library } from '../../src-main/engine/library/library';
import { SessionPool } from '../../src-main/engine/models/session-pool';
import type { Sample } from '../measure';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** 12-megapixel JPEGs (4000×3000) with real structure, generated once into models/fixtures-large/. */
async function twelveMegapixelJpegs(count: number, log: (l: string) => void): Promise<string> {
  const dir = join(process.cwd(), 'models', 'fixtures-large', `jpeg-12mp-${count}`);
  if (existsSync(join(dir, '.done'))) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const rng = new Random(99);
  for (let i = 0; i < count; i++) {
    const shapes = Array.from({ length: 12 }, () => {
      const [x, y, r] = [rng.range(0, 4000), rng.range(0, 3000), rng.range(100, 700)];
      const color = `rgb(${Math.floor(rng.range(0, 255))},${Math.floor(rng.range(0, 255))},${Math.floor(rng.range(0, 255))})`;
      return `<circle cx="${x}" cy="${y}" r="${r}" fill="${color}" opacity="0.8"/>`;
    }).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><defs><linearGradient id="g"><stop offset="0" stop-color="#345"/><stop offset="1" stop-color="#dca"/></linearGradient></defs><rect width="4000" height="3000" fill="url(#g)"/>${shapes}</svg>`;
    // Grain makes the files as heavy to decode as photos (flat vector art would compress to almost nothing).
    const noise = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 12 } } }).png().toBuffer();
    await sharp(Buffer.from(svg)).composite([{ input: noise, blend: 'overlay' }]).jpeg({ quality: 88 }).toFile(join(dir, `photo-${i}.jpg`));
  }
  await writeFile(join(dir, '.done'), '');
  log(`bench: generated ${count} 12-MP JPEGs in ${dir}`);
  return dir;
}

/** A naive pipeline for comparison: read, fully decode, hash, thumbnail and CLIP-preprocess from the full decode. */
async function naivePipeline(files: string[]): Promise<void> {
  for (const file of files) {
    const bytes = await readFile(file);
    createHash('sha256').update(bytes).digest('hex');
    const { data, info } = await sharp(bytes).rotate().raw().toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    await sharp(data, raw).resize(320, 320, { fit: 'inside' }).webp().toBuffer();
    await sharp(data, raw).resize(CLIP_PREPROCESS.width, CLIP_PREPROCESS.height, { fit: 'cover' }).raw().toBuffer();
  }
}

async function peakRss<T>(run: () => Promise<T>): Promise<{ result: T; peakMB: number; seconds: number; p99LoopMs: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  try {
    const result = await run();
    return { result, peakMB: round(peak / 1e6, 0), seconds: (performance.now() - started) / 1000, p99LoopMs: round(loop.percentile(99) / 1e6) };
  } finally {
    clearInterval(timer);
    loop.disable();
  }
}

/** Indexing throughput on 12-MP JPEGs (pipeline vs. naive), peak RSS, and event-loop delay while indexing. */
export async function indexingThroughput(log: (l: string) => void, count = 24): Promise<Figure[]> {
  const paths = await ensureFixtures(process.cwd(), log);
  const photos = await twelveMegapixelJpegs(count, log);
  const files = (await readdir(photos)).filter((f) => f.endsWith('.jpg')).map((f) => join(photos, f));
  const data = await mkdtemp(join(tmpdir(), 'studio-bench-lib-'));
  const pool = new SessionPool({ providers: ['cpu'] });
  const clip = await ClipModel.load(paths.sceneClip, pool);
  const db = openDatabase(join(data, 'library.db'));
  const library = new Library({ db, thumbDir: join(data, 'thumbs'), vectorsDir: join(data, 'vectors'), model: () => ({ id: 'scene', load: async () => clip }) });
  library.addRoot(photos);
  const runner = new JobRunner();
  const indexed = await peakRss(async () => {
    const job = runner.submit({ kind: 'library.refresh', label: 'index' }, (ctx) => library.refresh(ctx));
    return runner.settled(job.id);
  });
  if (indexed.result.state !== 'done') throw new Error(`indexing failed: ${indexed.result.error?.message}`);
  const naive = await peakRss(() => naivePipeline(files));
  await library.close();
  db.close();
  await pool.release();
  await rm(data, { recursive: true, force: true });
  const megabytes = (await Promise.all(files.map((f) => stat(f)))).reduce((s, f) => s + f.size, 0) / files.length / 1e6;
  return [
    { name: `indexing 12-MP JPEGs (${round(megabytes)} MB each), studio pipeline, scene-CLIP encoder`, value: round(files.length / indexed.seconds), unit: 'images/s', target: '≥ 100' },
    { name: 'indexing 12-MP JPEGs, naive full-decode pipeline (same run)', value: round(files.length / naive.seconds), unit: 'images/s' },
    { name: 'peak RSS while indexing (studio pipeline)', value: indexed.peakMB, unit: 'MB' },
    { name: 'peak RSS, naive pipeline', value: naive.peakMB, unit: 'MB' },
    { name: 'event-loop delay p99 while indexing (same process)', value: indexed.p99LoopMs, unit: 'ms', target: '< 50' },
  ];
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
