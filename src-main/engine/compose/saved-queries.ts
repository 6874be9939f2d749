import { AppError, ComposedQuerySchema, contentHashesIn, type ComposedQuery, type SavedQuery } from '@contract';
import type { Db } from '../storage/db';
import { SavedQueriesRepository } from '../storage/library/saved-queries-repository';

/** Named composed queries in the library database; saving a name again replaces it. */
export class SavedQueries {
  private readonly repository: SavedQueriesRepository;

  /** Given the library database, or the repository over it. */
  constructor(store: Db | SavedQueriesRepository) {
    this.repository = store instanceof SavedQueriesRepository ? store : new SavedQueriesRepository(store);
  }

  list(): SavedQuery[] {
    // A row written by a newer studio that this one cannot read is left out, not lost.
    return this.repository.list().flatMap((row) => {
      const parsed = ComposedQuerySchema.safeParse(JSON.parse(row.queryJson));
      return parsed.success ? [{ id: row.id, name: row.name, query: parsed.data, createdAt: row.createdAt }] : [];
    });
  }

  save(name: string, query: ComposedQuery): SavedQuery {
    const parsed = ComposedQuerySchema.parse(query);
    const id = this.repository.save(name, JSON.stringify(parsed), Date.now());
    return this.list().find((s) => s.id === id)!;
  }

  remove(id: number): void {
    if (!this.repository.remove(id)) throw new AppError('NOT_FOUND', `No saved query ${id}.`);
  }

  /** Content hashes that saved queries name (dropped pictures): the startup sweep of old uploads keeps these. */
  referencedHashes(): string[] {
    return this.repository.allQueryJson().flatMap(contentHashesIn);
  }
}
