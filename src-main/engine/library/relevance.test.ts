import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { ClipModel } from '../clip/clip-model';
import { JobRunner } from '../jobs/runner';
import { SessionPool } from '../models/session-pool';
import { openDatabase, type Db } from '../storage/db';
import { Library } from './library';
import { exactPhrases } from './relevance';

const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
let clip: ClipModel;
let db: Db;
let library: Library;
let photos: string;

beforeAll(async () => {
  clip = await ClipModel.load(paths.sceneClip, pool);
  const labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8')) as { file: string }[];
  photos = await mkdtemp(join(tmpdir(), 'studio-rel-photos-'));
  const data = await mkdtemp(join(tmpdir(), 'studio-rel-data-'));
  await mkdir(join(photos, 'shoot'));
  for (const l of labels) await copyFile(join(paths.world, l.file), join(photos, 'shoot', l.file));
  // A photo named for a client, and one tagged for it, that look like nothing in particular.
  await copyFile(join(paths.world, 'gray-triangle-0.png'), join(photos, 'shoot', 'client-x_brief.png'));
  db = openDatabase(join(data, 'library.db'));
  library = new Library({ db, thumbDir: join(data, 'thumbs'), vectorsDir: join(data, 'vectors'), model: () => ({ id: 'scene-clip', load: async () => clip }) });
  library.addRoot(photos);
  const runner = new JobRunner();
  const job = runner.submit({ kind: 'library.refresh', label: 'Index' }, (ctx) => library.refresh(ctx));
  expect((await runner.settled(job.id)).state).toBe('done');
  const tagged = db.prepare("SELECT id FROM files WHERE name = 'brown-square-1.png'").pluck().get() as number;
  library.setTags(tagged, ['Client-X', 'moodboard']);
});
afterAll(async () => {
  await library.close();
  db.close();
  await pool.release();
});

const names = (items: { name: string }[]) => items.map((i) => i.name);

describe('search relevance', () => {
  it('a tag or a file name that is the query comes first, ahead of any picture', async () => {
    const result = await library.search({ text: 'client-x' }, clip);
    expect(names(result.items).slice(0, 2).sort()).toEqual(['brown-square-1.png', 'client-x_brief.png']);
    expect(result.items.slice(0, 2).every((i) => i.exact && i.relevance === 1)).toBe(true);
    expect(result.items.slice(2).some((i) => i.exact)).toBe(false);
    expect(result.noGoodMatch).toBe(false);
  });

  it('"quoted words" are exact: a tag in quotes comes first whatever else the words say', async () => {
    expect(exactPhrases('"client-x" red')).toEqual({ phrases: ['client-x'], quoted: true, rest: 'client-x red' });
    const result = await library.search({ text: '"moodboard" a blue circle' }, clip);
    expect(result.items[0]).toMatchObject({ name: 'brown-square-1.png', exact: true });
  });

  it('photos far from the words are cut off; the rest carry a relevance bar, best first', async () => {
    const result = await library.search({ text: 'a red circle', limit: 200 }, clip);
    expect(result.hidden).toBeGreaterThan(30);
    expect(result.items.length).toBeLessThan(30);
    expect(result.items[0]!.name).toMatch(/^red-circle/);
    expect(result.items.every((i) => i.relevance !== undefined && i.relevance > 0 && i.relevance <= 1)).toBe(true);
    const relevance = result.items.map((i) => i.relevance!);
    expect([...relevance].sort((a, b) => b - a)).toEqual(relevance);
    expect(result.noGoodMatch).toBe(false);
  });

  it('says "no good match" when nothing stands out', async () => {
    for (const text of ['zebra', 'xylophone concert hall']) expect((await library.search({ text }, clip)).noGoodMatch, text).toBe(true);
    // A tagged photo is a good match even when its picture is not.
    expect((await library.search({ text: 'moodboard' }, clip)).noGoodMatch).toBe(false);
  });
});
