import type { Db } from '../db';

/** A saved query as stored: the composed query is JSON, checked by whoever reads it. */
export interface StoredQuery {
  id: number;
  name: string;
  queryJson: string;
  createdAt: number;
}

/** Named composed queries (the saved_queries table). */
export class SavedQueriesRepository {
  constructor(private readonly db: Db) {}

  /** Newest first. */
  list(): StoredQuery[] {
    const rows = this.db.prepare('SELECT id, name, query, created_at FROM saved_queries ORDER BY created_at DESC, id DESC').all() as { id: number; name: string; query: string; created_at: number }[];
    return rows.map((r) => ({ id: r.id, name: r.name, queryJson: r.query, createdAt: r.created_at }));
  }

  /** Saves under a name (replacing a query of that name); returns its id. */
  save(name: string, queryJson: string, now: number): number {
    return this.db
      .prepare(
        // Strictly newer than anything saved before, even within the same millisecond, so "newest first" is exact.
        `INSERT INTO saved_queries (name, query, created_at) VALUES (?, ?, max(?, coalesce((SELECT max(created_at) FROM saved_queries), 0) + 1))
         ON CONFLICT(name) DO UPDATE SET query = excluded.query, created_at = excluded.created_at RETURNING id`,
      )
      .pluck()
      .get(name, queryJson, now) as number;
  }

  /** Whether there was such a query to remove. */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM saved_queries WHERE id = ?').run(id).changes > 0;
  }

  /** Every saved query's JSON (the upload sweep keeps the files they name). */
  allQueryJson(): string[] {
    return this.db.prepare('SELECT query FROM saved_queries').pluck().all() as string[];
  }
}
