import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { formatExposure } from '@contract';
import { JobRunner } from '../jobs/runner';
import { migrate, openDatabase } from '../storage/db';
import { Library } from './library';
import { cleanText, readMetadata } from './metadata';
import { LIBRARY_MIGRATIONS as MIGRATIONS } from '../storage/migrations';
import { taggedJpeg } from '../../../models/tagged-photo';

describe('photo metadata', () => {
  it('reads GPS, exposure, lens, camera without NULs, and title, caption, keywords from XMP', async () => {
    const meta = await readMetadata(await taggedJpeg());
    expect(meta.gpsLat).toBeCloseTo(48.8582, 3);
    expect(meta.gpsLon).toBeCloseTo(2.2945, 3);
    expect(meta).toMatchObject({ iso: 200, aperture: 2.8, shutter: 0.004, focalLength: 35, lens: 'Carl Zeiss Tessar', title: 'Harbour at dawn', caption: 'Boats waiting for the tide', keywords: ['client-x', 'boats'] });
    expect(meta.camera).toBe('Nokia 2 N9');
    expect(meta.takenAt).toBe(new Date('2024-05-06T07:08:09').getTime());
    expect(formatExposure(meta)).toBe('ISO 200 · f/2.8 · 1/250 s · 35 mm');
  });

  it('strips NULs and padding from maker strings; a photo without metadata reads as empty', async () => {
    expect(cleanText('Nokia\0 2 N9\0\0')).toBe('Nokia 2 N9');
    expect(cleanText('  \0 ')).toBeNull();
    const plain = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    expect(await readMetadata(plain)).toMatchObject({ gpsLat: null, iso: null, camera: null, keywords: [] });
    expect(await readMetadata(Buffer.from('not an image'))).toMatchObject({ gpsLat: null, title: null });
  });

  it('is stored when indexing, keywords become tags, and photos indexed by an older studio are read again after the migration', async () => {
    const photos = await mkdtemp(join(tmpdir(), 'studio-meta-photos-'));
    const data = await mkdtemp(join(tmpdir(), 'studio-meta-data-'));
    await writeFile(join(photos, 'harbour.jpg'), await taggedJpeg());
    // A library at schema 3 (before this migration) with the photo indexed the old way: no GPS, no exposure.
    const file = join(data, 'library.db');
    const old = openDatabase(file, MIGRATIONS.slice(0, 3));
    old.close();
    const db = openDatabase(file);
    migrate(db, MIGRATIONS);
    const runner = new JobRunner();
    const library = new Library({ db, thumbDir: join(data, 'thumbs'), vectorsDir: join(data, 'vectors'), model: () => ({ id: 'none', load: async () => null }) });
    library.addRoot(photos);
    const refresh = async () => {
      const job = runner.submit({ kind: 'library.refresh', label: 'Index' }, (ctx) => library.refresh(ctx));
      expect((await runner.settled(job.id)).state).toBe('done');
    };
    await refresh();
    const id = db.prepare('SELECT id FROM files').pluck().get() as number;
    expect(library.item(id)).toMatchObject({ camera: 'Nokia 2 N9', lens: 'Carl Zeiss Tessar', exposure: { iso: 200, aperture: 2.8, focalLength: 35 }, title: 'Harbour at dawn', tags: ['boats', 'client-x'], rating: 0 });
    expect(library.item(id).gps!.lat).toBeCloseTo(48.8582, 3);

    // As an older studio left it: metadata read without GPS or exposure, marked with the old version.
    db.prepare('UPDATE files SET gps_lat = NULL, gps_lon = NULL, iso = NULL, aperture = NULL, shutter = NULL, focal_length = NULL, title = NULL, meta_version = 0').run();
    expect(library.item(id)).toMatchObject({ gps: null, exposure: null });
    await refresh();
    expect(library.item(id)).toMatchObject({ exposure: { iso: 200 }, title: 'Harbour at dawn' });
    expect(library.item(id).gps!.lon).toBeCloseTo(2.2945, 3);
    await library.close();
    db.close();
  });
});
