import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { withMpfPreview } from '../../../models/generators/embedded-preview';
import { JobRunner } from '../jobs/runner';
import { openDatabase, schemaVersion } from '../storage/db';
import { LIBRARY_MIGRATIONS } from '../storage/migrations';
import { Library } from './library';

const solid = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } }).jpeg().toBuffer();

describe('a library indexing camera JPEGs with embedded previews', () => {
  it('upgrades a version-6 library, records which photos came from a preview, and keeps that through metadata re-reads until the file changes', async () => {
    const photos = await mkdtemp(join(tmpdir(), 'studio-preview-photos-'));
    const data = await mkdtemp(join(tmpdir(), 'studio-preview-data-'));
    // A library as the previous version left it: one photo indexed (from its full image, as everything was then).
    const file = join(data, 'library.db');
    const old = openDatabase(file, LIBRARY_MIGRATIONS.slice(0, 6));
    old.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/elsewhere', 0)").run();
    old.prepare("INSERT INTO files (id, root_id, path, folder, name, size, mtime_ms, status, thumb, meta_version) VALUES (7, 1, '/elsewhere/old.jpg', '/elsewhere', 'old.jpg', 1, 1, 'indexed', 't7.webp', 1)").run();
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(7);
    const library = new Library({ db, thumbDir: join(data, 'thumbs'), vectorsDir: join(data, 'vectors'), model: () => ({ id: 'none', load: async () => null }) });
    expect(library.item(7)).toMatchObject({ name: 'old.jpg', status: 'indexed', embeddedPreview: null });

    await writeFile(join(photos, 'camera.jpg'), withMpfPreview(await solid(1800, 1200, '#c22'), await solid(600, 400, '#22c')));
    await writeFile(join(photos, 'plain.jpg'), await solid(900, 600, '#2c2'));
    library.addRoot(photos);
    const runner = new JobRunner();
    const refresh = async () => {
      const job = runner.submit({ kind: 'library.refresh', label: 'Index' }, (ctx) => library.refresh(ctx));
      expect((await runner.settled(job.id)).state).toBe('done');
    };
    await refresh();
    const id = (name: string) => db.prepare('SELECT id FROM files WHERE name = ?').pluck().get(name) as number;
    expect(library.item(id('camera.jpg'))).toMatchObject({ status: 'indexed', width: 1800, height: 1200, embeddedPreview: { width: 600, height: 400 } });
    expect(library.item(id('plain.jpg'))).toMatchObject({ status: 'indexed', embeddedPreview: null });
    // The thumbnail is the preview's blue, not the main image's red.
    const { dominant } = await sharp(join(data, 'thumbs', library.item(id('camera.jpg')).thumb!)).stats();
    expect(dominant.b).toBeGreaterThan(dominant.r);

    // A metadata re-read (an older metadata version) reads EXIF only: what the vectors came from stays as it was.
    db.prepare('UPDATE files SET meta_version = 0').run();
    await refresh();
    expect(db.prepare("SELECT min(meta_version) FROM files WHERE name IN ('camera.jpg', 'plain.jpg')").pluck().get()).toBeGreaterThan(0);
    expect(library.item(id('camera.jpg')).embeddedPreview).toEqual({ width: 600, height: 400 });

    // The file replaced by one without a preview: indexed again from its full image.
    await writeFile(join(photos, 'camera.jpg'), await solid(1200, 800, '#c22'));
    await refresh();
    expect(library.item(id('camera.jpg'))).toMatchObject({ width: 1200, height: 800, embeddedPreview: null });
    await library.close();
    db.close();
  });
});
