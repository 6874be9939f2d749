import { existsSync } from 'node:fs';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { JobRunner } from '../jobs/runner';
import { openDatabase, type Db } from '../storage/db';
import { Library } from './library';

const FILES = ['red-circle-0.png', 'blue-square-0.png', 'green-triangle-0.png', 'yellow-circle-0.png'];
let db: Db;
let data: string;
let library: Library;
let photos: string;
const id = (name: string) => db.prepare('SELECT id FROM files WHERE name = ?').pluck().get(name) as number;

beforeAll(async () => {
  photos = await mkdtemp(join(tmpdir(), 'studio-edits-photos-'));
  data = await mkdtemp(join(tmpdir(), 'studio-edits-data-'));
  for (const f of FILES) await copyFile(join(fixturePaths().world, f), join(photos, f));
  db = openDatabase(join(data, 'library.db'));
  library = new Library({ db, thumbDir: join(data, 'thumbs'), vectorsDir: join(data, 'vectors'), model: () => ({ id: 'none', load: async () => null }) });
  library.addRoot(photos);
  const runner = new JobRunner();
  const job = runner.submit({ kind: 'library.refresh', label: 'Index' }, (ctx) => library.refresh(ctx));
  expect((await runner.settled(job.id)).state).toBe('done');
});
afterAll(async () => {
  await library.close();
  db.close();
});

describe('rating, flagging and tagging many photos', () => {
  it('rates, picks and tags a selection at once; filters by stars and flag', async () => {
    const chosen = [id('red-circle-0.png'), id('yellow-circle-0.png')];
    expect(library.updateItems({ ids: chosen, rating: 4, flag: 'pick', addTags: ['Client-X', 'round'] })).toEqual({ updated: 2 });
    library.updateItems({ ids: [id('blue-square-0.png')], rating: 2, flag: 'reject' });
    expect(library.item(chosen[0]!)).toMatchObject({ rating: 4, flag: 'pick', tags: ['client-x', 'round'] });
    library.updateItems({ ids: [chosen[1]!], removeTags: ['round'] });
    expect(library.item(chosen[1]!).tags).toEqual(['client-x']);

    const names = async (filters: object) => (await library.search({ filters, sort: 'name' }, null)).items.map((i) => i.name);
    expect(await names({ minRating: 3 })).toEqual(['red-circle-0.png', 'yellow-circle-0.png']);
    expect(await names({ flag: 'reject' })).toEqual(['blue-square-0.png']);
    expect(await names({ flag: 'none' })).toEqual(['green-triangle-0.png']);
    const listed = (await library.search({ sort: 'name' }, null)).items;
    expect(listed.find((i) => i.name === 'red-circle-0.png')).toMatchObject({ rating: 4, flag: 'pick' });
    expect(() => library.updateItems({ ids: [999_999], rating: 1 })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => library.itemByPath(join(photos, 'nope.png'))).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(library.itemByPath(join(photos, 'blue-square-0.png')).rating).toBe(2);
  });

  it('sorts by name, by date added, and keeps a search’s ranking unless asked otherwise', async () => {
    const byName = (await library.search({ sort: 'name' }, null)).items.map((i) => i.name);
    expect(byName).toEqual([...FILES].sort());
    const added = (await library.search({ sort: 'added' }, null)).items.map((i) => i.id);
    expect(added).toEqual([...added].sort((a, b) => b - a));
    // Names-only search for "circle": both circles; sorted by name on request.
    const ranked = await library.search({ text: 'circle', sort: 'name' }, null);
    expect(ranked.items.map((i) => i.name)).toEqual(['red-circle-0.png', 'yellow-circle-0.png']);
  });

  it('makes a large upright rendition for the viewer once, beside the thumbnails', async () => {
    const view = await library.view(id('red-circle-0.png'));
    expect(view).toMatchObject({ width: 300, height: 240, url: expect.stringMatching(/^view\/[0-9a-f]{2}\/[0-9a-f]{64}\.webp$/) });
    expect(existsSync(join(data, 'thumbs', view.url))).toBe(true);
    expect(await library.view(id('red-circle-0.png'))).toEqual(view);
    await expect(library.view(999_999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
