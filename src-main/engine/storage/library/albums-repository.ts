import type { Album } from '@contract';
import type { Db } from '../db';

/** Albums and their photos (the albums and album_items tables). Counts and covers see indexed photos only. */
export class AlbumsRepository {
  constructor(private readonly db: Db) {}

  private static readonly SELECT = `
    SELECT a.id, a.name, a.created_at AS createdAt,
      (SELECT count(*) FROM album_items i JOIN files f ON f.id = i.file_id WHERE i.album_id = a.id AND f.status = 'indexed') AS count,
      (SELECT f.thumb FROM album_items i JOIN files f ON f.id = i.file_id
        WHERE i.album_id = a.id AND f.status = 'indexed' AND f.thumb IS NOT NULL ORDER BY i.position LIMIT 1) AS cover
    FROM albums a`;

  /** By name, case-insensitively. */
  list(): Album[] {
    return this.db.prepare(`${AlbumsRepository.SELECT} ORDER BY a.name COLLATE NOCASE, a.id`).all() as Album[];
  }

  get(id: number): Album | null {
    return (this.db.prepare(`${AlbumsRepository.SELECT} WHERE a.id = ?`).get(id) as Album | undefined) ?? null;
  }

  /** The album of this name in any case, if any. */
  idNamed(name: string): number | null {
    return (this.db.prepare('SELECT id FROM albums WHERE name = ? COLLATE NOCASE').pluck().get(name) as number | undefined) ?? null;
  }

  /** Adds an album; fails with SQLite's UNIQUE constraint when the name is taken. */
  create(name: string, now: number): number {
    return this.db.prepare('INSERT INTO albums (name, created_at) VALUES (?, ?) RETURNING id').pluck().get(name, now) as number;
  }

  /** Whether there was such an album. */
  rename(id: number, name: string): boolean {
    return this.db.prepare('UPDATE albums SET name = ? WHERE id = ?').run(name, id).changes > 0;
  }

  /** Whether there was such an album (its items go with it; the photos stay). */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM albums WHERE id = ?').run(id).changes > 0;
  }

  /** Appends files not yet in the album, in the order given; returns how many were added. */
  add(albumId: number, fileIds: readonly number[], now: number): number {
    return this.db.transaction(() => {
      let next = (this.db.prepare('SELECT coalesce(max(position), -1) + 1 FROM album_items WHERE album_id = ?').pluck().get(albumId) as number) ?? 0;
      const insert = this.db.prepare('INSERT OR IGNORE INTO album_items (album_id, file_id, added_at, position) VALUES (?, ?, ?, ?)');
      let added = 0;
      for (const fileId of fileIds) {
        if (insert.run(albumId, fileId, now, next).changes > 0) {
          added += 1;
          next += 1;
        }
      }
      return added;
    })();
  }

  /** Returns how many were in the album. */
  removeItems(albumId: number, fileIds: readonly number[]): number {
    const remove = this.db.prepare('DELETE FROM album_items WHERE album_id = ? AND file_id = ?');
    return this.db.transaction(() => fileIds.reduce((n, id) => n + remove.run(albumId, id).changes, 0))();
  }

  /** The album's indexed photos in album order. */
  fileIds(albumId: number): number[] {
    return this.db
      .prepare("SELECT i.file_id FROM album_items i JOIN files f ON f.id = i.file_id WHERE i.album_id = ? AND f.status = 'indexed' ORDER BY i.position")
      .pluck()
      .all(albumId) as number[];
  }

  /** Which of these ids are files in the library (indexed or not). */
  existingFiles(fileIds: readonly number[]): Set<number> {
    if (fileIds.length === 0) return new Set();
    const found = new Set<number>();
    // Chunks keep each statement under SQLite's variable limit.
    for (let i = 0; i < fileIds.length; i += 500) {
      const chunk = fileIds.slice(i, i + 500);
      const rows = this.db.prepare(`SELECT id FROM files WHERE id IN (${chunk.map(() => '?').join(',')})`).pluck().all(...chunk) as number[];
      for (const id of rows) found.add(id);
    }
    return found;
  }
}
