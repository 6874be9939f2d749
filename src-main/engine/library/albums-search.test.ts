import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import type { SceneLabel } from '../../../models/scene-world/generate-world';
import { ClipModel } from '../clip/clip-model';
import { JobRunner } from '../jobs/runner';
import { SessionPool } from '../models/session-pool';
import { openDatabase, type Db } from '../storage/db';
import { Library } from './library';

const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
let clip: ClipModel;
let db: Db;
let library: Library;
const ids = new Map<string, number>();

beforeAll(async () => {
  clip = await ClipModel.load(paths.sceneClip, pool);
  const labels: SceneLabel[] = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8'));
  const photos = await mkdtemp(join(tmpdir(), 'studio-album-photos-'));
  const data = await mkdtemp(join(tmpdir(), 'studio-album-lib-'));
  await mkdir(join(photos, 'shapes'));
  for (const l of labels) await copyFile(join(paths.world, l.file), join(photos, 'shapes', l.file));
  db = openDatabase(join(data, 'library.db'));
  library = new Library({ db, thumbDir: join(data, 'thumbs'), vectorsDir: join(data, 'vectors'), model: () => ({ id: 'scene-clip', load: async () => clip }) });
  library.addRoot(photos);
  const runner = new JobRunner();
  const done = await runner.settled(runner.submit({ kind: 'library.refresh', label: 'Index' }, (ctx) => library.refresh(ctx)).id);
  expect(done.state).toBe('done');
  for (const item of (await library.search({ limit: 500 }, null)).items) ids.set(item.name, item.id);
});
afterAll(async () => {
  await library.close();
  db.close();
  await pool.release();
});

const id = (name: string) => ids.get(name)!;

describe('searching inside an album', () => {
  it('lists only the album, and ranks words and pictures among its photos alone', async () => {
    const album = library.albums.create('Squares and one circle', [id('blue-square-0.png'), id('green-square-1.png'), id('yellow-square-0.png'), id('red-circle-1.png')]);
    const inAlbum = new Set(library.albums.itemIds(album.id));
    expect(inAlbum.size).toBe(4);

    const listed = await library.search({ filters: { album: album.id } }, clip);
    expect(new Set(listed.items.map((i) => i.id))).toEqual(inAlbum);

    // Most red circles rank above the album's only one in the whole library; inside the album it comes first.
    const words = await library.search({ text: 'a red circle', limit: 3, filters: { album: album.id } }, clip);
    expect(words.items[0]!.id).toBe(id('red-circle-1.png'));
    expect(words.items.every((i) => inAlbum.has(i.id))).toBe(true);

    const like = await library.search({ likeId: id('blue-square-1.png'), limit: 10, filters: { album: album.id } }, clip);
    expect(like.items.map((i) => i.id)).not.toContain(id('blue-square-1.png'));
    expect(like.items[0]!.id).toBe(id('blue-square-0.png'));
    expect(like.items.every((i) => inAlbum.has(i.id))).toBe(true);

    const vector = library.embeddingOf(id('yellow-square-1.png'), 'scene-clip')!;
    const picture = await library.search({ limit: 2, filters: { album: album.id } }, clip, vector, 'scene-clip');
    expect(picture.items[0]!.id).toBe(id('yellow-square-0.png'));
  });

  it('follows the album as photos are removed, and a deleted album cannot be searched', async () => {
    const album = library.albums.create('Browns', [id('brown-circle-0.png'), id('brown-square-0.png')]);
    library.albums.removeItems(album.id, [id('brown-circle-0.png')]);
    const listed = await library.search({ filters: { album: album.id } }, null);
    expect(listed.items.map((i) => i.name)).toEqual(['brown-square-0.png']);
    library.albums.delete(album.id);
    await expect(library.search({ filters: { album: album.id } }, null)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(library.item(id('brown-square-0.png')).status).toBe('indexed');
  });
});
