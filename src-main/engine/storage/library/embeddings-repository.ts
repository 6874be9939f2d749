import type { Statement } from 'better-sqlite3';
import { toVector, vectorBytes } from '../../shared/vector';
import type { VectorSource } from '../../shared/vector-source';
import type { Db } from '../db';

/** CLIP embeddings per file and model: the source of truth every vector index is derived from. */
export class EmbeddingsRepository {
  private byIds: Statement<[string, string]> | undefined;

  constructor(private readonly db: Db) {}

  /** Stores vectors (one transaction), replacing a file's earlier one for the model. */
  store(model: string, rows: readonly { id: number; vector: Float32Array }[]): void {
    const store = this.db.prepare('INSERT OR REPLACE INTO embeddings (file_id, model, dim, vector) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const { id, vector } of rows) store.run(id, model, vector.length, vectorBytes(vector));
    })();
  }

  count(model: string): number {
    return this.db.prepare('SELECT count(*) FROM embeddings WHERE model = ?').pluck().get(model) as number;
  }

  /** The dimension of a model's stored vectors, if it has any. */
  dim(model: string): number | undefined {
    return this.db.prepare('SELECT dim FROM embeddings WHERE model = ? LIMIT 1').pluck().get(model) as number | undefined;
  }

  /** An item's stored embedding for a model, or null when it has none yet. */
  vector(fileId: number, model: string): Float32Array | null {
    const blob = this.db.prepare('SELECT vector FROM embeddings WHERE file_id = ? AND model = ?').pluck().get(fileId, model) as Buffer | undefined;
    return blob ? toVector(blob) : null;
  }

  /** Every stored vector of a model by file id (read at once: for ranking a filtered set exactly). */
  vectorsById(model: string): Map<number, Float32Array> {
    const rows = this.db.prepare('SELECT file_id, vector FROM embeddings WHERE model = ?').all(model) as { file_id: number; vector: Buffer }[];
    return new Map(rows.map((r) => [r.file_id, toVector(r.vector)]));
  }

  /** The stored vectors of just these files: the candidates a quantized search re-scores exactly. */
  vectorsOf(model: string, ids: readonly number[]): Map<number, Float32Array> {
    // One statement for any number of ids (a JSON array), prepared once.
    this.byIds ??= this.db.prepare<[string, string]>('SELECT file_id, vector FROM embeddings WHERE model = ? AND file_id IN (SELECT value FROM json_each(?))');
    const rows = this.byIds.all(model, JSON.stringify(ids)) as { file_id: number; vector: Buffer }[];
    return new Map(rows.map((r) => [r.file_id, toVector(r.vector)]));
  }

  /** Indexed files without an embedding for the model. */
  countMissing(model: string): number {
    return this.db
      .prepare("SELECT count(*) FROM files f WHERE f.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.file_id = f.id AND e.model = ?)")
      .pluck()
      .get(model) as number;
  }

  /** The first `limit` of those files, by id. */
  missing(model: string, limit: number): { id: number; path: string }[] {
    return this.db
      .prepare(
        `SELECT f.id, f.path FROM files f WHERE f.status = 'indexed'
         AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.file_id = f.id AND e.model = ?) ORDER BY f.id LIMIT ?`,
      )
      .all(model, limit) as { id: number; path: string }[];
  }

  /** The model with the most stored vectors, if any. */
  mostEmbedded(): { model: string; count: number } | undefined {
    const row = this.db.prepare('SELECT model, count(*) AS n FROM embeddings GROUP BY model ORDER BY n DESC LIMIT 1').get() as { model: string; n: number } | undefined;
    return row && { model: row.model, count: row.n };
  }

  /** Up to `n` stored vectors spread evenly over the library (by file id). */
  sample(model: string, n: number): Float32Array[] {
    return this.sampleRows(model, n, 'vector').map((blob) => toVector(blob as Buffer));
  }

  /** Changes whenever the database changes, here (total_changes) or in another process (data_version). */
  changeStamp(): string {
    const here = this.db.prepare('SELECT total_changes()').pluck().get() as number;
    return `${here}|${this.db.pragma('data_version', { simple: true })}`;
  }

  /** The stored vectors of a model as a vector index checks and rebuilds itself from them. */
  source(model: string): VectorSource {
    return {
      count: () => this.count(model),
      sampleKeys: (n) => this.spreadKeys(model, n),
      all: () => {
        const rows = this.db.prepare('SELECT file_id, vector FROM embeddings WHERE model = ?').iterate(model) as Iterable<{ file_id: number; vector: Buffer }>;
        return (function* () {
          for (const row of rows) yield { key: row.file_id, vector: toVector(row.vector) };
        })();
      },
    };
  }

  /**
   * Up to `n` stored keys at even steps between the first and the last, each found by one seek in the primary key: a
   * startup check reads a few hundred index entries instead of numbering every row (2 ms instead of 140 at 100k).
   */
  private spreadKeys(model: string, n: number): number[] {
    const edge = (order: 'ASC' | 'DESC') => this.db.prepare(`SELECT file_id FROM embeddings WHERE model = ? ORDER BY file_id ${order} LIMIT 1`).pluck().get(model) as number | undefined;
    const first = edge('ASC');
    const last = edge('DESC');
    if (first === undefined || last === undefined || n <= 0) return [];
    const seek = this.db.prepare('SELECT file_id FROM embeddings WHERE file_id >= ? AND model = ? ORDER BY file_id LIMIT 1').pluck();
    const keys = new Set<number>();
    for (let i = 0; i < n; i++) {
      const key = seek.get(first + Math.round(((last - first) * i) / Math.max(1, n - 1)), model) as number | undefined;
      if (key !== undefined) keys.add(key);
    }
    return [...keys];
  }

  /** Whether any other model has stored vectors (one pass over the key index, no per-file lookups). */
  hasOtherModels(model: string): boolean {
    return this.db.prepare('SELECT EXISTS (SELECT 1 FROM embeddings WHERE model <> ?)').pluck().get(model) === 1;
  }

  private sampleRows(model: string, n: number, column: 'file_id' | 'vector'): unknown[] {
    const step = Math.max(1, Math.floor(this.count(model) / n));
    return this.db
      .prepare(`SELECT ${column} FROM (SELECT ${column}, row_number() OVER (ORDER BY file_id) AS n FROM embeddings WHERE model = ?) WHERE n % ? = 0 LIMIT ?`)
      .pluck()
      .all(model, step, n);
  }
}
