import type { Root } from '@contract';
import type { Db } from '../db';

/** Library folders (the roots table), with how many of their files are indexed. */
export class RootsRepository {
  constructor(private readonly db: Db) {}

  list(): Root[] {
    const rows = this.db
      .prepare(
        `SELECT r.id, r.path, r.problem, count(f.id) AS files, sum(f.status = 'indexed') AS indexed
         FROM roots r LEFT JOIN files f ON f.root_id = r.id GROUP BY r.id ORDER BY r.path`,
      )
      .all() as { id: number; path: string; problem: string | null; files: number; indexed: number | null }[];
    return rows.map((row) => ({ id: row.id, path: row.path, problem: row.problem, files: row.files, indexed: row.indexed ?? 0 }));
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM roots').pluck().get() as number;
  }

  add(path: string, addedAt: number): number {
    return Number(this.db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?)').run(path, addedAt).lastInsertRowid);
  }

  /**
   * Deletes a root and (by cascade) its files; returns their ids and the thumbnails nothing else shows any more, or null
   * when there is no such root.
   */
  remove(id: number): { fileIds: number[]; unusedThumbs: string[] } | null {
    const fileIds = this.db.prepare('SELECT id FROM files WHERE root_id = ?').pluck().all(id) as number[];
    const unusedThumbs = this.db
      .prepare(
        // Kept when another folder has the same content, or a concept card shows it.
        `SELECT DISTINCT f.thumb FROM files f WHERE f.root_id = ? AND f.thumb IS NOT NULL
         AND f.thumb NOT IN (SELECT thumb FROM files WHERE root_id != ? AND thumb IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM concepts c WHERE instr(c.photos, f.thumb) > 0)`,
      )
      .pluck()
      .all(id, id) as string[];
    const changes = this.db.prepare('DELETE FROM roots WHERE id = ?').run(id).changes;
    return changes === 0 ? null : { fileIds, unusedThumbs };
  }

  /** Why the folder could not be read at the last scan (null: it could). */
  setProblem(id: number, problem: string | null): void {
    this.db.prepare('UPDATE roots SET problem = ? WHERE id = ?').run(problem, id);
  }
}
