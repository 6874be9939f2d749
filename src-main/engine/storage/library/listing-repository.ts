import { sep } from 'node:path';
import type { Facets, Filters, LibraryItem, Place, SearchQuery } from '@contract';
import type { Db } from '../db';
import { ITEM_COLUMNS } from './item-columns';
import type { ItemFilter } from './records';

/** SQL order for a listing (no ranking). */
function orderSql(sort: SearchQuery['sort']): string {
  if (sort === 'name') return 'name COLLATE NOCASE ASC, id ASC';
  if (sort === 'added') return 'id DESC';
  return 'coalesce(taken_at, mtime_ms) DESC, id DESC';
}

const NO_FILTER: ItemFilter = { sql: '', params: [] };

/** Indexed items for browsing and search: listings with filters and paging, facets, full-text and literal matches. */
export class ListingRepository {
  constructor(private readonly db: Db) {}

  /** The filters as a WHERE fragment over files. */
  filter(filters: Filters): ItemFilter {
    const parts: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      parts.push(sql);
      params.push(...values);
    };
    if (filters.rootId !== undefined) add('root_id = ?', filters.rootId);
    if (filters.folder) add('(folder = ? OR folder LIKE ?)', filters.folder, `${filters.folder.replace(/[%_]/g, '')}${sep}%`);
    if (filters.from !== undefined) add('taken_at >= ?', filters.from);
    if (filters.to !== undefined) add('taken_at <= ?', filters.to);
    if (filters.camera) add('camera = ?', filters.camera);
    if (filters.format) add('format = ?', filters.format);
    if (filters.minRating !== undefined) add('rating >= ?', filters.minRating);
    if (filters.flag) add('flag = ?', filters.flag === 'pick' ? 1 : filters.flag === 'reject' ? -1 : 0);
    if (filters.album !== undefined) add('id IN (SELECT file_id FROM album_items WHERE album_id = ?)', filters.album);
    if (filters.orientation) add(filters.orientation === 'landscape' ? 'width > height' : filters.orientation === 'portrait' ? 'width < height' : 'width = height');
    return { sql: parts.join(' AND '), params };
  }

  /** Indexed items, optionally only these ids, filtered, and paged in the listing's order. */
  items(ids: readonly number[] | null, filter: ItemFilter = NO_FILTER, page?: { limit: number; offset: number; sort?: SearchQuery['sort'] }): LibraryItem[] {
    const where = ["status = 'indexed'"];
    const params: unknown[] = [];
    if (ids) {
      if (ids.length === 0) return [];
      where.push(`id IN (${ids.map(() => '?').join(',')})`);
      params.push(...ids);
    }
    if (filter.sql) {
      where.push(filter.sql);
      params.push(...filter.params);
    }
    const tail = page ? ` ORDER BY ${orderSql(page.sort)} LIMIT ${page.limit} OFFSET ${page.offset}` : '';
    return (this.db.prepare(`SELECT ${ITEM_COLUMNS} FROM files WHERE ${where.join(' AND ')}${tail}`).all(...params) as LibraryItem[]).map((r) => ({ ...r, score: null }));
  }

  /** Indexed items that have GPS coordinates, newest first (at most `limit`). */
  places(filter: ItemFilter = NO_FILTER, limit = 20000): Place[] {
    const where = ["status = 'indexed'", 'gps_lat IS NOT NULL', 'gps_lon IS NOT NULL'];
    if (filter.sql) where.push(filter.sql);
    return this.db
      .prepare(`SELECT id, name, thumb, gps_lat AS lat, gps_lon AS lon FROM files WHERE ${where.join(' AND ')} ORDER BY ${orderSql('taken')} LIMIT ?`)
      .all(...filter.params, limit) as Place[];
  }

  /** When each item was taken (or else last modified), for sorting ranked results by date. */
  takenTimes(ids: readonly number[]): Map<number, number> {
    const rows = this.db.prepare(`SELECT id, coalesce(taken_at, mtime_ms) AS t FROM files WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as { id: number; t: number }[];
    return new Map(rows.map((r) => [r.id, r.t]));
  }

  /** Full-text matches of any of the terms over names, folders and tags (best first, at most 500) with their bm25 rank. */
  textMatches(terms: readonly string[]): { id: number; rank: number }[] {
    if (terms.length === 0) return [];
    const match = terms.map((t) => `"${t.replace(/"/g, '')}"`).join(' OR ');
    return this.db.prepare('SELECT rowid AS id, bm25(files_fts) AS rank FROM files_fts WHERE files_fts MATCH ? ORDER BY rank LIMIT 500').all(match) as { id: number; rank: number }[];
  }

  /** Indexed items whose name or title (and, if `everywhere`, folder or caption) contains the phrase, case-insensitively. */
  containing(phrase: string, everywhere: boolean): { id: number; name: string; folder: string; title: string | null; caption: string | null }[] {
    const like = `%${phrase.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.db
      .prepare(
        `SELECT id, name, folder, title, caption FROM files WHERE status = 'indexed' AND (lower(name) LIKE ? ESCAPE '\\' OR lower(coalesce(title, '')) LIKE ? ESCAPE '\\'
         ${everywhere ? "OR lower(folder) LIKE ? ESCAPE '\\' OR lower(coalesce(caption, '')) LIKE ? ESCAPE '\\'" : ''})`,
      )
      .all(...(everywhere ? [like, like, like, like] : [like, like])) as { id: number; name: string; folder: string; title: string | null; caption: string | null }[];
  }

  /** What the library can be filtered by. */
  facets(): Facets {
    const distinct = (column: string) =>
      this.db.prepare(`SELECT DISTINCT ${column} FROM files WHERE status = 'indexed' AND ${column} IS NOT NULL ORDER BY ${column}`).pluck().all() as string[];
    const taken = this.db.prepare(`SELECT min(taken_at) AS "from", max(taken_at) AS "to" FROM files WHERE status = 'indexed'`).get() as { from: number | null; to: number | null };
    const folders = this.db
      .prepare("SELECT folder AS path, root_id AS rootId, count(*) AS files FROM files WHERE status = 'indexed' GROUP BY folder ORDER BY folder LIMIT 2000")
      .all() as Facets['folders'];
    return {
      cameras: distinct('camera'),
      formats: distinct('format'),
      taken: taken.from !== null && taken.to !== null ? { from: taken.from, to: taken.to } : null,
      folders,
    };
  }
}
