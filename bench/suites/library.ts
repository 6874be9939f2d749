import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { ensureFixtures } from '../../models/fixtures';
import { Random } from '../../models/scene-world/random';
import { ClipModel } from '../../src-main/engine/clip/clip-model';
import { CLIP_PREPROCESS } from '../../src-main/engine/clip/preprocess';
import { JobRunner } from '../../src-main/engine/jobs/runner';
import { openDatabase } from '../../src-main/engine/storage/db';
import { Library } from '../../src-main/engine/library/library';
import { SessionPool } from '../../src-main/engine/models/session-pool';
import { clusteredVectors } from './synthetic-vectors';

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
