import { existsSync, unlinkSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import type { SceneLabel } from '../../../models/scene-world/generate-world';
import { ClipModel } from '../clip/clip-model';
import { JobRunner } from '../jobs/runner';
import { SessionPool } from '../models/session-pool';
import { openDatabase, type Db } from '../storage/db';
import { VectorIndex } from '../vectors/vector-index';
import { Library, type RefreshSummary } from './library';
import { bombPng } from '../../../models/bomb-png.mjs';

const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
let clip: ClipModel;
let labels: SceneLabel[];
let photos: string;
let data: string;
let db: Db;
let library: Library;
const runner = new JobRunner();

async function refresh(): Promise<RefreshSummary> {
  const job = runner.submit({ kind: 'library.refresh', label: 'Index' }, (ctx) => library.refresh(ctx));
  const done = await runner.settled(job.id);
  if (done.state !== 'done') throw new Error(`refresh ${done.state}: ${done.error?.message}`);
  return done.result as RefreshSummary;
}

beforeAll(async () => {
  clip = await ClipModel.load(paths.sceneClip, pool);
  labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8'));
  photos = await mkdtemp(join(tmpdir(), 'studio-photos-'));
  data = await mkdtemp(join(tmpdir(), 'studio-lib-'));
  await mkdir(join(photos, 'shapes'));
  for (const l of labels) await copyFile(join(paths.world, l.file), join(photos, 'shapes', l.file));
  await mkdir(join(photos, 'bad'));
  await writeFile(join(photos, 'bad', 'corrupt.jpg'), Buffer.from('\xff\xd8\xff\xe0 not really a jpeg at all, just bytes'));
  await writeFile(join(photos, 'bad', 'truncated.png'), (await readFile(join(paths.world, labels[0]!.file))).subarray(0, 200));
  await writeFile(join(photos, 'bad', 'empty.jpg'), '');
  await writeFile(join(photos, 'bad', 'letter.png'), 'Dear designer, this is a text file.');
  await writeFile(join(photos, 'bad', 'bomb.png'), bombPng());
  await writeFile(join(photos, 'bad', 'raw.cr2'), 'raw');
  db = openDatabase(join(data, 'library.db'));
  library = new Library({
    db,
    thumbDir: join(data, 'thumbs'),
    vectorsDir: join(data, 'vectors'),
    model: () => ({ id: 'scene-clip', load: async () => clip }),
  });
  library.addRoot(photos);
});
afterAll(async () => {
  await library.close();
  db.close();
  await pool.release();
});

describe('Library', () => {
  it('indexes a folder: metadata, thumbnails and embeddings; bad files are recorded with reasons and indexing goes on', async () => {
    const summary = await refresh();
    expect(summary).toMatchObject({ added: 72, indexed: 66, failed: 5, embedded: 66 });
    const status = library.status(true);
    expect(status).toMatchObject({ files: 72, indexed: 66, pending: 0, pendingEmbeddings: 0, embedded: 66 });
    const reason = (name: string) => status.failed.find((f) => f.path.endsWith(name))?.reason;
    expect(reason('empty.jpg')).toMatch(/empty/);
    expect(reason('letter.png')).toMatch(/not an image/);
    expect(reason('bomb.png')).toMatch(/too large to decode safely/);
    expect(reason('truncated.png')).toMatch(/damaged or truncated/);
    expect(reason('corrupt.jpg')).toBeTruthy();
    expect(status.unsupported).toEqual([{ path: join(photos, 'bad', 'raw.cr2'), reason: expect.stringMatching(/RAW/) }]);
    const item = library.item((await library.search({ text: 'a blue square', limit: 1 }, clip)).items[0]!.id);
    expect(item).toMatchObject({ width: 300, height: 240, format: 'png', status: 'indexed' });
    expect(item.thumb).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{64}\.webp$/);
  });

  it('finds images by text with the scene CLIP', async () => {
    for (const [color, shape] of [['red', 'circle'], ['green', 'triangle'], ['yellow', 'square']]) {
      const { items, mode } = await library.search({ text: `a ${color} ${shape}`, limit: 2 }, clip);
      expect(mode).toBe('hybrid'); // the file names also say the color and the shape
      expect(items.map((i) => i.name)).toEqual(expect.arrayContaining([`${color}-${shape}-0.png`, `${color}-${shape}-1.png`]));
      expect(items[0]!.score).toBeGreaterThan(0.5);
    }
    const { items, mode } = await library.search({ text: 'a round thing', limit: 4 }, clip);
    expect(mode).toBe('vector'); // no file name says "round"
    expect(items.every((i) => i.name.includes('-circle-'))).toBe(true);
  });

  it('finds more like an item, pages, and filters', async () => {
    const [first] = (await library.search({ text: 'a purple circle', limit: 1 }, clip)).items;
    const like = await library.search({ likeId: first!.id, limit: 5 }, clip);
    expect(like.items[0]!.id).toBe(first!.id);
    // The fixture weighs color, shape, position and size alike: neighbours are circles, the other purple one among them.
    expect(like.items.every((i) => i.name.includes('-circle-'))).toBe(true);
    expect(like.items.filter((i) => i.name.startsWith('purple-circle'))).toHaveLength(2);
    const page2 = await library.search({ text: 'a shape', limit: 10, offset: 10 }, clip);
    const page1 = await library.search({ text: 'a shape', limit: 10 }, clip);
    expect(page2.items.map((i) => i.id)).not.toContain(page1.items[0]!.id);
    const none = await library.search({ text: 'a red circle', filters: { folder: join(photos, 'bad') } }, clip);
    expect(none.items).toEqual([]);
    const portrait = await library.search({ text: 'a red circle', filters: { orientation: 'portrait' } }, clip);
    expect(portrait.items).toEqual([]);
  });

  it('blends file-name matches into the ranking, and searches names alone without a model', async () => {
    const names = await library.search({ text: 'brown' }, null);
    expect(names.mode).toBe('names');
    expect(names.note).toMatch(/No CLIP model/);
    expect(names.items.map((i) => i.name).sort()).toEqual(['brown-circle-0.png', 'brown-circle-1.png', 'brown-square-0.png', 'brown-square-1.png', 'brown-triangle-0.png', 'brown-triangle-1.png']);
    expect((await library.search({ text: 'brown circle', limit: 2 }, clip)).mode).toBe('hybrid');
  });

  it('keeps a moved file’s id and embedding, forgets deleted files, and finds duplicates', async () => {
    const name = 'orange-square-0.png';
    const before = (await library.search({ text: 'orange', filters: { folder: join(photos, 'shapes') } }, null)).items.find((i) => i.name === name)!;
    await mkdir(join(photos, 'moved'));
    await rename(join(photos, 'shapes', name), join(photos, 'moved', name));
    await rm(join(photos, 'shapes', 'pink-circle-1.png'));
    await copyFile(join(photos, 'shapes', 'gray-triangle-0.png'), join(photos, 'moved', 'copy of gray triangle.png'));
    const summary = await refresh();
    expect(summary).toMatchObject({ moved: 1, removed: 1, indexed: 1, embedded: 1 });
    const after = library.item(before.id);
    expect(after.path).toBe(join(photos, 'moved', name));
    expect(library.status(true)).toMatchObject({ indexed: 66, embedded: 66 });
    expect(library.duplicates().map((group) => group.map((i) => i.path))).toEqual([
      [join(photos, 'moved', 'copy of gray triangle.png'), join(photos, 'shapes', 'gray-triangle-0.png')],
    ]);
    const facets = library.facets();
    expect(facets.formats).toEqual(['png']);
    expect(facets.cameras).toEqual([]);
    expect(facets.taken).toBeNull();
    expect(facets.folders.map((f) => [f.path, f.files])).toEqual([
      [join(photos, 'moved'), 2],
      [join(photos, 'shapes'), 64],
    ]);
    expect((await library.search({ text: 'a pink circle', limit: 1 }, clip)).items[0]!.name).toBe('pink-circle-0.png');
  });

  it('groups near-identical photos by their vectors', async () => {
    const job = runner.submit({ kind: 'library.near-duplicates', label: 'Near' }, (ctx) => library.nearDuplicates(ctx, 0.999));
    const groups = (await runner.settled(job.id)).result as { path: string }[][];
    // The exact copy made above is the only pair this close.
    expect(groups.map((g) => g.map((i) => i.path))).toEqual([[join(photos, 'moved', 'copy of gray triangle.png'), join(photos, 'shapes', 'gray-triangle-0.png')]]);
    const loose = runner.submit({ kind: 'library.near-duplicates', label: 'Near' }, (ctx) => library.nearDuplicates(ctx, 0.9));
    const looseGroups = (await runner.settled(loose.id)).result as { name: string }[][];
    expect(looseGroups.flat().length).toBeGreaterThan(2);
  });

  it('tags are searchable by name', async () => {
    const id = (await library.search({ text: 'a black square', limit: 1 }, clip)).items[0]!.id;
    library.setTags(id, ['Moodboard', 'client-x']);
    expect(library.item(id).tags).toEqual(['client-x', 'moodboard']);
    expect((await library.search({ text: 'moodboard' }, null)).items.map((i) => i.id)).toEqual([id]);
  });

  it('refuses overlapping and missing folders', () => {
    expect(() => library.addRoot(join(photos, 'shapes'))).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => library.addRoot('/definitely/not/here')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => library.addRoot('relative')).toThrowError(expect.objectContaining({ code: 'INVALID_PARAMS' }));
  });

  it('verifies the vector index against the database', async () => {
    expect(await library.verify()).toMatch(/^ok: 66 vectors match/);
  });

  it('after a model switch, the old vectors answer searches until the new model has embedded everything', async () => {
    let chosen = 'scene-clip';
    const lib = new Library({
      db,
      thumbDir: join(data, 'thumbs'),
      vectorsDir: join(data, 'vectors'),
      model: () => ({ id: chosen, load: async () => clip }),
    });
    chosen = 'scene-clip-next';
    expect(lib.servingModel()).toBe('scene-clip');
    const before = await lib.search({ text: 'a yellow circle', limit: 1 }, clip, undefined, lib.servingModel());
    expect(before.items[0]!.name).toMatch(/^yellow-circle/);
    const job = runner.submit({ kind: 'library.refresh', label: 'Re-embed' }, (ctx) => lib.refresh(ctx));
    expect((await runner.settled(job.id)).result).toMatchObject({ embedded: 66 });
    expect(lib.servingModel()).toBe('scene-clip-next');
    expect(lib.status(true)).toMatchObject({ model: { id: 'scene-clip-next' }, servingModel: 'scene-clip-next', embedded: 66, pendingEmbeddings: 0 });
    await lib.close();
  });

  it('opens the vector index once when searches and a check arrive together', async () => {
    const opened: string[] = [];
    const lib = new Library({
      db,
      thumbDir: join(data, 'thumbs'),
      vectorsDir: join(data, 'vectors'),
      model: () => ({ id: 'scene-clip', load: async () => clip }),
      openVectorIndex: (file, dim, precision) => {
        opened.push(file);
        return new VectorIndex(file, dim, precision);
      },
    });
    const [a, b, check] = await Promise.all([
      lib.search({ text: 'a red square', limit: 2 }, clip),
      lib.search({ text: 'a red square', limit: 2 }, clip),
      lib.verify(),
    ]);
    expect(a.items.map((i) => i.id)).toEqual(b.items.map((i) => i.id));
    expect(a.items[0]!.name).toMatch(/^red-square/);
    expect(check).toMatch(/^ok: 66 vectors match the database$/);
    expect(opened).toEqual([join(data, 'vectors', 'scene-clip.f32.usearch')]);
    // Once open, later searches and checks use the same index.
    await lib.search({ text: 'a blue circle', limit: 1 }, clip);
    await lib.verify();
    expect(opened).toHaveLength(1);
    await lib.close();
  });

  it('switches vector precision by building a new index beside the old one', async () => {
    let precision: 'f32' | 'f16' | 'i8' = 'f32';
    const lib = new Library({
      db,
      thumbDir: join(data, 'thumbs'),
      vectorsDir: join(data, 'vectors'),
      model: () => ({ id: 'scene-clip', load: async () => clip }),
      precision: () => precision,
    });
    expect(await lib.verify()).toMatch(/^ok/);
    precision = 'f16';
    expect(await lib.verify()).toMatch(/^rebuilt: .*no saved index/);
    expect(existsSync(join(data, 'vectors', 'scene-clip.f16.usearch'))).toBe(true);
    expect((await lib.search({ text: 'a pink circle', limit: 1 }, clip)).items[0]!.name).toBe('pink-circle-0.png');
    // i8 searches a compact graph and re-ranks its candidates exactly: the same results and scores as f16's, here.
    const f16 = await lib.search({ text: 'a red square', limit: 10 }, clip);
    precision = 'i8';
    expect(await lib.verify()).toMatch(/^rebuilt: .*no saved index \(i8 graph .*re-scored exactly\)$/);
    expect(existsSync(join(data, 'vectors', 'scene-clip.i8.usearch'))).toBe(true);
    const i8 = await lib.search({ text: 'a red square', limit: 10 }, clip);
    expect(i8.items.map((i) => i.id)).toEqual(f16.items.map((i) => i.id));
    i8.items.forEach((item, n) => expect(item.score).toBeCloseTo(f16.items[n]!.score!, 2));
    await lib.close();
  });
});

describe('Library under changing files', () => {
  it('drops a file deleted while queued, and keeps a vanished root’s files until it is back', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'studio-photos-'));
    const dataDir = await mkdtemp(join(tmpdir(), 'studio-lib-'));
    for (const l of labels.slice(0, 6)) await copyFile(join(paths.world, l.file), join(folder, l.file));
    const lib = new Library({
      db: openDatabase(join(dataDir, 'library.db')),
      thumbDir: join(dataDir, 'thumbs'),
      vectorsDir: join(dataDir, 'vectors'),
      model: () => ({ id: 'scene-clip', load: async () => clip }),
    });
    const root = lib.addRoot(folder);
    let deleted = false;
    const ctx = {
      signal: new AbortController().signal,
      throwIfCancelled: () => {},
      checkpoint: async () => {},
      // The first progress report comes after the scan queued every file: delete one of them now.
      progress: () => {
        if (!deleted) {
          deleted = true;
          unlinkSync(join(folder, labels[0]!.file));
        }
      },
    };
    const summary = await lib.refresh(ctx);
    expect(summary).toMatchObject({ added: 6, indexed: 5, removed: 1, failed: 0 });

    const away = `${folder}-away`;
    await rename(folder, away);
    const second = await lib.refresh({ ...ctx, progress: () => {} });
    expect(second.removed).toBe(0);
    expect(lib.listRoots().find((r) => r.id === root.id)).toMatchObject({ files: 5, problem: expect.stringMatching(/no longer exists/) });
    await rename(away, folder);
    await lib.refresh({ ...ctx, progress: () => {} });
    expect(lib.listRoots()[0]).toMatchObject({ files: 5, indexed: 5, problem: null });
    await lib.close();
  });
});
