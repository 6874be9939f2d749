import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db';
import { FilesRepository } from './files-repository';
import { ListingRepository } from './listing-repository';
import { NO_METADATA, type IndexedFacts } from './records';

const facts = (hash: string, gps: { lat: number; lon: number } | null, camera: string | null = null): IndexedFacts => ({
  hash,
  format: 'jpeg',
  width: 4,
  height: 3,
  orientation: null,
  thumb: `${hash}.webp`,
  ...NO_METADATA,
  keywords: [],
  camera,
  gpsLat: gps?.lat ?? null,
  gpsLon: gps?.lon ?? null,
});

async function libraryWith(photos: { path: string; gps: { lat: number; lon: number } | null; camera?: string }[]) {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/p', 0)").run();
  const files = new FilesRepository(db);
  await files.reconcileScan(1, photos.map((p) => ({ path: p.path, size: 10, mtimeMs: 1, format: 'jpeg', unsupported: null })), []);
  for (const pending of files.pending()) {
    const photo = photos.find((p) => p.path === pending.path)!;
    files.recordIndexed(pending, facts(pending.name, photo.gps, photo.camera ?? null), undefined, 1);
  }
  return { db, listing: new ListingRepository(db) };
}

describe('listing: places for the map', () => {
  it('lists only indexed photos that have GPS, with their coordinates and thumbnails', async () => {
    const { listing } = await libraryWith([
      { path: '/p/paris.jpg', gps: { lat: 48.8566, lon: 2.3522 } },
      { path: '/p/no-gps.jpg', gps: null },
      { path: '/p/sydney.jpg', gps: { lat: -33.8688, lon: 151.2093 } },
    ]);
    const places = listing.places();
    expect(places.map((p) => p.name).sort()).toEqual(['paris.jpg', 'sydney.jpg']);
    expect(places.find((p) => p.name === 'sydney.jpg')).toMatchObject({ lat: -33.8688, lon: 151.2093, thumb: 'sydney.jpg.webp' });
  });

  it('applies the listing filters and leaves out photos that are no longer indexed', async () => {
    const { db, listing } = await libraryWith([
      { path: '/p/a.jpg', gps: { lat: 1, lon: 2 }, camera: 'Nokia' },
      { path: '/p/b.jpg', gps: { lat: 3, lon: 4 }, camera: 'Canon' },
      { path: '/p/c.jpg', gps: { lat: 5, lon: 6 }, camera: 'Canon' },
    ]);
    expect(listing.places(listing.filter({ camera: 'Canon' })).map((p) => p.name).sort()).toEqual(['b.jpg', 'c.jpg']);
    db.prepare("UPDATE files SET status = 'missing' WHERE path = '/p/c.jpg'").run();
    expect(listing.places(listing.filter({ camera: 'Canon' })).map((p) => p.name)).toEqual(['b.jpg']);
    expect(listing.places()).toHaveLength(2);
  });

  it('says nothing (an empty list) when no photo has GPS', async () => {
    const { listing } = await libraryWith([{ path: '/p/x.jpg', gps: null }]);
    expect(listing.places()).toEqual([]);
  });
});
