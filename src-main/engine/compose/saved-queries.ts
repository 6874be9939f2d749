import { AppError, ComposedQuerySchema, type ComposedQuery, type SavedQuery } from '@contract';
import type { Db } from '../storage/db';

interface Row {
  id: number;
  name: string;
  query: string;
  created_at: number;
}

/** Named composed queries in the library database; saving a name again replaces it. */
export class SavedQueries {
  constructor(private readonly db: Db) {}

  list(): SavedQuery[] {
    const rows = this.db.prepare('SELECT * FROM saved_queries ORDER BY created_at DESC, id DESC').all() as Row[];
    // A row written by a newer studio that this one cannot read is left out, not lost.
    return rows.flatMap((row) => {
      const parsed = ComposedQuerySchema.safeParse(JSON.parse(row.query));
      return parsed.success ? [{ id: row.id, name: row.name, query: parsed.data, createdAt: row.created_at }] : [];
    });
  }

  save(name: string, query: ComposedQuery): SavedQuery {
    const parsed = ComposedQuerySchema.parse(query);
    const id = this.db
      .prepare(
        // Strictly newer than anything saved before, even within the same millisecond, so "newest first" is exact.
        `INSERT INTO saved_queries (name, query, created_at) VALUES (?, ?, max(?, coalesce((SELECT max(created_at) FROM saved_queries), 0) + 1))
         ON CONFLICT(name) DO UPDATE SET query = excluded.query, created_at = excluded.created_at RETURNING id`,
      )
      .pluck()
      .get(name, JSON.stringify(parsed), Date.now()) as number;
    return this.list().find((s) => s.id === id)!;
  }

  remove(id: number): void {
    if (this.db.prepare('DELETE FROM saved_queries WHERE id = ?').run(id).changes === 0) throw new AppError('NOT_FOUND', `No saved query ${id}.`);
  }
}
