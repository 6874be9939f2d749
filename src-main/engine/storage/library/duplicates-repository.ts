import type { LibraryItem } from '@contract';
import type { Db } from '../db';
import { ITEM_COLUMNS } from './item-columns';

/** Library files with identical content (the same sha256). */
export class DuplicatesRepository {
  constructor(private readonly db: Db) {}

  /** Groups of indexed files with the same hash, largest groups first, each in path order. */
  identicalGroups(): LibraryItem[][] {
    const rows = this.db
      .prepare(
        `SELECT ${ITEM_COLUMNS}, hash FROM files WHERE status = 'indexed' AND hash IN
         (SELECT hash FROM files WHERE status = 'indexed' AND hash IS NOT NULL GROUP BY hash HAVING count(*) > 1) ORDER BY hash, path`,
      )
      .all() as (LibraryItem & { hash: string })[];
    const groups = new Map<string, LibraryItem[]>();
    for (const { hash, ...item } of rows) groups.set(hash, [...(groups.get(hash) ?? []), { ...item, score: null }]);
    return [...groups.values()].sort((a, b) => b.length - a.length);
  }

  /** Other files with the same content as this hash (paths), for an item's details. */
  pathsWithHash(hash: string, exceptId: number): string[] {
    return this.db.prepare('SELECT path FROM files WHERE hash = ? AND id != ? ORDER BY path').pluck().all(hash, exceptId) as string[];
  }
}
