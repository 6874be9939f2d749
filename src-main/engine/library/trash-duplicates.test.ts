import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../jobs/runner';
import { openDatabase, type Db } from '../storage/db';
import { libraryRepositories, type LibraryRepositories } from '../storage/library';
import { Library } from './library';

// The real system trash is never touched: HOME and XDG_DATA_HOME point into a temp folder on the photos' device, so
// the `trash` package (loaded on first use, after this) writes the freedesktop Trash there.
const saved = { HOME: process.env.HOME, XDG_DATA_HOME: process.env.XDG_DATA_HOME };
let scratch: string;
let photos: string;
let trashDir: string;
let db: Db;
let store: LibraryRepositories;
let library: Library;
const runner = new JobRunner();

async function png(path: string, color: { r: number; g: number; b: number }): Promise<void> {
  await writeFile(path, await sharp({ create: { width: 40, height: 30, channels: 3, background: color } }).png().toBuffer());
}

async function refresh(): Promise<void> {
  const job = runner.submit({ kind: 'library.refresh', label: 'Index' }, (ctx) => library.refresh(ctx));
  const done = await runner.settled(job.id);
  if (done.state !== 'done') throw new Error(`refresh ${done.state}: ${done.error?.message}`);
}

function idOf(name: string): number {
  return library.itemByPath(join(photos, name)).id;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'studio-trash-'));
  process.env.HOME = join(scratch, 'home');
  process.env.XDG_DATA_HOME = join(scratch, 'xdg-data');
  trashDir = join(process.env.XDG_DATA_HOME, 'Trash');
  await mkdir(process.env.HOME);
  photos = join(scratch, 'photos');
  await mkdir(photos);
  for (const name of ['red.png', 'red copy.png', 'red [2].png', 'red gone.png', 'red refused.png']) await png(join(photos, name), { r: 200, g: 10, b: 10 });
  await png(join(photos, 'blue.png'), { r: 10, g: 10, b: 200 });
  db = openDatabase(join(scratch, 'library.db'));
  store = libraryRepositories(db);
  library = new Library({
    db,
    repositories: store,
    thumbDir: join(scratch, 'thumbs'),
    vectorsDir: join(scratch, 'vectors'),
    model: () => ({ id: 'test-model', load: async () => null }),
    moveToTrash: async (path) => {
      // A stand-in only for the one file whose refusal is tested; every other file goes to the real (temp) trash.
      if (path.endsWith('red refused.png')) throw Object.assign(new Error(`EACCES: permission denied, rename '${path}'`), { code: 'EACCES' });
      const { systemTrash } = await import('./trash-duplicates');
      await systemTrash(path);
    },
  });
  library.addRoot(photos);
  await refresh();
});

afterAll(async () => {
  await library.close();
  db.close();
  process.env.HOME = saved.HOME;
  if (saved.XDG_DATA_HOME === undefined) delete process.env.XDG_DATA_HOME;
  else process.env.XDG_DATA_HOME = saved.XDG_DATA_HOME;
  await rm(scratch, { recursive: true, force: true });
});

describe('resolving duplicates', () => {
  it('moves the others to the freedesktop trash and drops them from the library; vanished and refused files stay listed as failed', async () => {
    const groups = library.duplicates();
    expect(groups).toHaveLength(1);
    expect(groups[0]!.map((i) => i.name).sort()).toEqual(['red [2].png', 'red copy.png', 'red gone.png', 'red refused.png', 'red.png']);
    const keep = idOf('red.png');
    const copy = idOf('red copy.png');
    const bracket = idOf('red [2].png');
    const gone = idOf('red gone.png');
    const refused = idOf('red refused.png');
    store.embeddings.store('test-model', [copy, keep].map((id) => ({ id, vector: new Float32Array([1, 0, 0]) })));
    await rm(join(photos, 'red gone.png'));

    const result = await library.resolveDuplicates([{ keep, trash: [copy, bracket, gone, refused] }]);

    expect(result.trashed.map((t) => t.id).sort()).toEqual([copy, bracket].sort());
    expect(result.failed.map((f) => [f.id, f.reason])).toEqual([
      [gone, expect.stringContaining('already gone')],
      [refused, expect.stringContaining('permission denied')],
    ]);
    // In the trash, with the freedesktop info file naming where each came from.
    expect(existsSync(join(photos, 'red copy.png'))).toBe(false);
    expect(existsSync(join(photos, 'red [2].png'))).toBe(false);
    const trashed = await readdir(join(trashDir, 'files'));
    expect(trashed).toHaveLength(2);
    const infos = await Promise.all((await readdir(join(trashDir, 'info'))).map((f) => readFile(join(trashDir, 'info', f), 'utf8')));
    expect(infos.map((i) => decodeURI(/^Path=(.*)$/m.exec(i)![1]!)).sort()).toEqual([join(photos, 'red [2].png'), join(photos, 'red copy.png')]);
    // Out of the library: rows and vectors; the kept photo keeps its own vector and its (shared) thumbnail.
    expect(() => library.item(copy)).toThrow(/No library item/);
    expect(() => library.item(bracket)).toThrow(/No library item/);
    expect(store.embeddings.vector(copy, 'test-model')).toBeNull();
    expect(store.embeddings.vector(keep, 'test-model')).not.toBeNull();
    const kept = library.item(keep);
    expect(kept.thumb && existsSync(join(scratch, 'thumbs', kept.thumb))).toBe(true);
    // Trash failures never delete: the refused file is on disk and still in the library.
    expect(existsSync(join(photos, 'red refused.png'))).toBe(true);
    expect(library.item(refused).id).toBe(refused);
    expect(library.item(gone).id).toBe(gone);
  });

  it('moves nothing when the photo to keep is gone, or an id is no library item', async () => {
    const blue = idOf('blue.png');
    await png(join(photos, 'blue again.png'), { r: 10, g: 10, b: 200 });
    await refresh();
    const again = idOf('blue again.png');
    await rm(join(photos, 'blue.png'));
    const result = await library.resolveDuplicates([{ keep: blue, trash: [again, 999_999] }]);
    expect(result.trashed).toEqual([]);
    expect(result.failed.map((f) => f.id)).toEqual([again, 999_999]);
    expect(result.failed[0]!.reason).toContain('is gone from disk; nothing in its group was moved');
    expect(existsSync(join(photos, 'blue again.png'))).toBe(true);
    expect(library.item(again).id).toBe(again);
  });

  // Root may move anything, so a read-only folder proves nothing there; elsewhere the real trash must refuse it.
  it.skipIf(process.getuid?.() === 0)('a file in a read-only folder is refused by the real trash and stays in the library', async () => {
    const locked = join(photos, 'locked');
    await mkdir(locked);
    await png(join(locked, 'green.png'), { r: 10, g: 200, b: 10 });
    await png(join(locked, 'green copy.png'), { r: 10, g: 200, b: 10 });
    await refresh();
    const keep = idOf('locked/green.png');
    const copy = idOf('locked/green copy.png');
    await chmod(locked, 0o555);
    try {
      const result = await library.resolveDuplicates([{ keep, trash: [copy] }]);
      expect(result.trashed).toEqual([]);
      expect(result.failed).toEqual([{ id: copy, path: join(locked, 'green copy.png'), reason: expect.stringContaining('The system trash refused it') }]);
      expect(existsSync(join(locked, 'green copy.png'))).toBe(true);
      expect(library.item(copy).id).toBe(copy);
    } finally {
      await chmod(locked, 0o755);
    }
  });
});
