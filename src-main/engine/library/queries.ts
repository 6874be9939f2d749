import { sep } from 'node:path';
import type { Facets, Filters, LibraryItem } from '@contract';
import type { Db } from '../storage/db';

/** The columns a LibraryItem is read from. */
export const ITEM_COLUMNS = "id, path, name, folder, width, height, thumb, rating, CASE flag WHEN 1 THEN 'pick' WHEN -1 THEN 'reject' ELSE 'none' END AS flag";

/** SQL order for a listing (no ranking). */
export function orderSql(sort: 'relevance' | 'taken' | 'name' | 'added' | undefined): string {
  if (sort === 'name') return 'name COLLATE NOCASE ASC, id ASC';
  if (sort === 'added') return 'id DESC';
  return 'coalesce(taken_at, mtime_ms) DESC, id DESC';
}

/** Runs `work` over `items` with at most `limit` in flight; the first error stops taking new items and is thrown. */
export async function forEachConcurrent<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

export function toVector(blob: Buffer): Float32Array {
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

export function filterSql(filters: Filters): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filters.rootId !== undefined) {
    parts.push('root_id = ?');
    params.push(filters.rootId);
  }
  if (filters.folder) {
    parts.push('(folder = ? OR folder LIKE ?)');
    params.push(filters.folder, `${filters.folder.replace(/[%_]/g, '')}${sep}%`);
  }
  if (filters.from !== undefined) {
    parts.push('taken_at >= ?');
    params.push(filters.from);
  }
  if (filters.to !== undefined) {
    parts.push('taken_at <= ?');
    params.push(filters.to);
  }
  if (filters.camera) {
    parts.push('camera = ?');
    params.push(filters.camera);
  }
  if (filters.format) {
    parts.push('format = ?');
    params.push(filters.format);
  }
  if (filters.minRating !== undefined) {
    parts.push('rating >= ?');
    params.push(filters.minRating);
  }
  if (filters.flag) {
    parts.push('flag = ?');
    params.push(filters.flag === 'pick' ? 1 : filters.flag === 'reject' ? -1 : 0);
  }
  if (filters.orientation) {
    parts.push(filters.orientation === 'landscape' ? 'width > height' : filters.orientation === 'portrait' ? 'width < height' : 'width = height');
  }
  return { sql: parts.join(' AND '), params };
}

/** Groups of files with identical content (same hash), largest groups first. */
export function identicalGroups(db: Db): LibraryItem[][] {
  const rows = db
    .prepare(
      `SELECT ${ITEM_COLUMNS}, hash FROM files WHERE status = 'indexed' AND hash IN
       (SELECT hash FROM files WHERE status = 'indexed' AND hash IS NOT NULL GROUP BY hash HAVING count(*) > 1) ORDER BY hash, path`,
    )
    .all() as (LibraryItem & { hash: string })[];
  const groups = new Map<string, LibraryItem[]>();
  for (const { hash, ...item } of rows) groups.set(hash, [...(groups.get(hash) ?? []), { ...item, score: null }]);
  return [...groups.values()].sort((a, b) => b.length - a.length);
}

/** What the library can be filtered by. */
export function facets(db: Db): Facets {
  const distinct = (column: string) =>
    db.prepare(`SELECT DISTINCT ${column} FROM files WHERE status = 'indexed' AND ${column} IS NOT NULL ORDER BY ${column}`).pluck().all() as string[];
  const taken = db.prepare(`SELECT min(taken_at) AS "from", max(taken_at) AS "to" FROM files WHERE status = 'indexed'`).get() as {
    from: number | null;
    to: number | null;
  };
  const folders = db
    .prepare("SELECT folder AS path, root_id AS rootId, count(*) AS files FROM files WHERE status = 'indexed' GROUP BY folder ORDER BY folder LIMIT 2000")
    .all() as Facets['folders'];
  return {
    cameras: distinct('camera'),
    formats: distinct('format'),
    taken: taken.from !== null && taken.to !== null ? { from: taken.from, to: taken.to } : null,
    folders,
  };
}
