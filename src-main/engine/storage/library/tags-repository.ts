import type { Db } from '../db';

/** Tags of library files (lower-case words; the full-text index follows them by trigger). */
export class TagsRepository {
  constructor(private readonly db: Db) {}

  of(fileId: number): string[] {
    return this.db.prepare('SELECT tag FROM tags WHERE file_id = ? ORDER BY tag').pluck().all(fileId) as string[];
  }

  add(fileId: number, tags: readonly string[]): void {
    const add = this.db.prepare('INSERT OR IGNORE INTO tags (file_id, tag) VALUES (?, ?)');
    for (const tag of tags) add.run(fileId, tag);
  }

  remove(fileId: number, tags: readonly string[]): void {
    const remove = this.db.prepare('DELETE FROM tags WHERE file_id = ? AND tag = ?');
    for (const tag of tags) remove.run(fileId, tag);
  }

  /** Replaces a file's tags (one transaction). */
  replace(fileId: number, tags: readonly string[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM tags WHERE file_id = ?').run(fileId);
      this.add(fileId, tags);
    })();
  }

  /** Files with exactly this tag. */
  filesTagged(tag: string): number[] {
    return this.db.prepare('SELECT file_id FROM tags WHERE tag = ?').pluck().all(tag) as number[];
  }
}
