import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion, type Db } from '../db';
import { LIBRARY_MIGRATIONS } from '../migrations';
import { AlbumsRepository } from './albums-repository';
import { ListingRepository } from './listing-repository';
import { RootsRepository } from './roots-repository';

function addFile(db: Db, id: number, status = 'indexed', rootId = 1): void {
  db.prepare("INSERT INTO files (id, root_id, path, folder, name, size, mtime_ms, status, thumb) VALUES (?, ?, ?, '/p', ?, 1, ?, ?, ?)").run(
    id,
    rootId,
    `/p${rootId}/${id}.png`,
    `${id}.png`,
    id,
    status,
    `t${id}.webp`,
  );
}

function library(files = [1, 2, 3, 4]) {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/p1', 0), (2, '/p2', 0)").run();
  for (const id of files) addFile(db, id);
  return { db, albums: new AlbumsRepository(db), listing: new ListingRepository(db) };
}

describe('albums repository', () => {
  it('keeps each photo once per album, in the order added, with counts and the first photo as cover', () => {
    const { albums } = library();
    const trip = albums.create('Trip', 1);
    expect(albums.add(trip, [3, 1], 2)).toBe(2);
    expect(albums.add(trip, [1, 2], 3)).toBe(1);
    expect(albums.fileIds(trip)).toEqual([3, 1, 2]);
    expect(albums.get(trip)).toEqual({ id: trip, name: 'Trip', createdAt: 1, count: 3, cover: 't3.webp' });
    expect(albums.removeItems(trip, [3, 4])).toBe(1);
    expect(albums.get(trip)).toMatchObject({ count: 2, cover: 't1.webp' });
  });

  it('lets a photo be in many albums and lists albums by name whatever the case', () => {
    const { albums } = library();
    const b = albums.create('beach', 1);
    const a = albums.create('Autumn', 1);
    albums.add(a, [1], 1);
    albums.add(b, [1, 2], 1);
    expect(albums.list().map((x) => [x.name, x.count])).toEqual([
      ['Autumn', 1],
      ['beach', 2],
    ]);
    expect(albums.get(b)!.cover).toBe('t1.webp');
  });

  it('refuses a second album of the same name in another case', () => {
    const { albums } = library();
    albums.create('Clients', 1);
    expect(() => albums.create('CLIENTS', 2)).toThrow(/UNIQUE/);
    expect(albums.idNamed('clients')).not.toBeNull();
    expect(albums.list()).toHaveLength(1);
  });

  it('forgets photos that leave the library (their file row or their folder), and deleting an album keeps the photos', () => {
    const { db, albums } = library([]);
    addFile(db, 1);
    addFile(db, 2);
    addFile(db, 3, 'indexed', 2);
    const one = albums.create('One', 1);
    const two = albums.create('Two', 1);
    albums.add(one, [1, 2, 3], 1);
    albums.add(two, [2], 1);
    db.prepare('DELETE FROM files WHERE id = 1').run();
    expect(albums.fileIds(one)).toEqual([2, 3]);
    new RootsRepository(db).remove(2);
    expect(albums.fileIds(one)).toEqual([2]);
    expect(albums.remove(one)).toBe(true);
    expect(db.prepare('SELECT count(*) FROM files').pluck().get()).toBe(1);
    expect(albums.fileIds(two)).toEqual([2]);
    expect(db.prepare('SELECT count(*) FROM album_items WHERE album_id = ?').pluck().get(one)).toBe(0);
  });

  it('counts only indexed photos', () => {
    const { db, albums } = library([1]);
    addFile(db, 2, 'missing');
    const a = albums.create('A', 1);
    albums.add(a, [2, 1], 1);
    expect(albums.get(a)).toMatchObject({ count: 1, cover: 't1.webp' });
    expect(albums.fileIds(a)).toEqual([1]);
  });

  it('limits listings to an album through the filter, combined with other filters', () => {
    const { db, albums, listing } = library();
    db.prepare('UPDATE files SET rating = 4 WHERE id IN (2, 3)').run();
    const a = albums.create('A', 1);
    albums.add(a, [1, 2], 1);
    const ids = (filters: Parameters<ListingRepository['filter']>[0]) => listing.items(null, listing.filter(filters)).map((i) => i.id).sort();
    expect(ids({ album: a })).toEqual([1, 2]);
    expect(ids({ album: a, minRating: 4 })).toEqual([2]);
    expect(ids({ album: a + 1 })).toEqual([]);
  });

  it('tells which ids are library files', () => {
    const { albums } = library([1, 2]);
    expect([...albums.existingFiles([1, 5, 2])].sort()).toEqual([1, 2]);
  });
});

describe('albums migration', () => {
  it('upgrades a version-5 library and keeps its folders, photos and tags', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'studio-albums-')), 'library.db');
    const old = openDatabase(file, LIBRARY_MIGRATIONS.slice(0, 5));
    expect(schemaVersion(old)).toBe(5);
    old.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/p1', 0)").run();
    addFile(old, 7);
    old.prepare("INSERT INTO tags (file_id, tag) VALUES (7, 'client-x')").run();
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LIBRARY_MIGRATIONS.length);
    expect(db.prepare('SELECT id, name, status FROM files').all()).toEqual([{ id: 7, name: '7.png', status: 'indexed' }]);
    expect(db.prepare('SELECT tag FROM tags WHERE file_id = 7').pluck().all()).toEqual(['client-x']);
    const albums = new AlbumsRepository(db);
    const a = albums.create('After upgrade', 1);
    albums.add(a, [7], 1);
    expect(albums.get(a)).toMatchObject({ count: 1 });
    db.close();
  });
});
