import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../../models/scene-world/random';
import { PHASE_TIMINGS_PREFIX } from '../../src-main/engine/app-services';
import { openDatabase } from '../../src-main/engine/storage/db';
import type { Figure } from './figure';
import { clusteredVectors } from './synthetic-vectors';

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

/**
 * Empty files where a real library keeps its thumbnails (`cache/thumbs/<2 hex>/<hash>.webp`), one per photo: anything
 * that walks the data folder at startup pays for them as it would in a real 100k library.
 */
async function thumbnailFiles(dataDir: string, count: number): Promise<void> {
  const root = join(dataDir, 'cache', 'thumbs');
  for (let i = 0; i < 256; i++) await mkdir(join(root, i.toString(16).padStart(2, '0')), { recursive: true });
  for (let i = 1; i <= count; i++) {
    const hash = createHash('sha256').update(String(i)).digest('hex');
    await writeFile(join(root, hash.slice(0, 2), `${hash}.webp`), '');
  }
}

interface Launch {
  ms: number;
  first: { path: string } | undefined;
  phases: { name: string; ms: number }[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;

/** One fresh CLI process answering "more like item 42", with its phase timings (STUDIO_PHASE_TIMINGS) read from stderr. */
function launch(dataDir: string): Launch {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['out/main/cli.js', 'search', '--like', '42', '--limit', '10', '--json', '--data-dir', dataDir], {
    encoding: 'utf8',
    env: { ...process.env, STUDIO_PHASE_TIMINGS: '1' },
  });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(r.stderr);
  const line = r.stderr.split('\n').find((l) => l.startsWith(PHASE_TIMINGS_PREFIX));
  return { ms, first: JSON.parse(r.stdout)[0], phases: line ? JSON.parse(line.slice(PHASE_TIMINGS_PREFIX.length)) : [] };
}

/** The median of each phase over the launches (phases keep the first launch's order), and what no phase covers. */
function breakdown(launches: Launch[]): Figure[] {
  const names = [...new Set(launches.flatMap((l) => l.phases.map((p) => p.name)))];
  const figures = names.map((name) => ({
    name: `  cold start phase: ${name}`,
    value: round(median(launches.map((l) => l.phases.find((p) => p.name === name)?.ms ?? 0))),
    unit: 'ms',
  }));
  const outside = launches.map((l) => l.ms - l.phases.reduce((s, p) => s + p.ms, 0));
  figures.push({ name: '  cold start phase: process spawn and exit (outside the phases above)', value: round(median(outside)), unit: 'ms' });
  return figures;
}

/**
 * Cold start: a fresh process opens a `count`-photo library and answers "more like this" — launch to first result,
 * median of 5, with where the time goes (the CLI's phase timings, median per phase) and a bare `node` for the floor.
 */
export async function coldStart(log: (l: string) => void, count = 100_000): Promise<Figure[]> {
  const dataDir = await syntheticLibrary(count, log);
  await thumbnailFiles(dataDir, count);
  try {
    const first = launch(dataDir); // builds and saves the vector index from the database (first launch after an upgrade or a crash)
    const launches = Array.from({ length: 5 }, () => launch(dataDir));
    const bare = Array.from({ length: 5 }, () => {
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return performance.now() - t;
    });
    log(`bench: cold start launches ${launches.map((l) => Math.round(l.ms)).join(', ')} ms`);
    return [
      { name: `cold start to first result, ${count / 1000}k library (fresh process, index mapped from disk; median of 5)`, value: Math.round(median(launches.map((l) => l.ms))), unit: 'ms', target: '< 300' },
      ...breakdown(launches),
      { name: 'a bare `node -e 0` on this machine (the floor; median of 5)', value: Math.round(median(bare)), unit: 'ms' },
      { name: `first launch with no saved index (${count / 1000}k vectors rebuilt from the database)`, value: Math.round(first.ms), unit: 'ms', note: `top hit ${first.first?.path}` },
    ];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
