import { basename, dirname, sep } from 'node:path';
// Awaited between chunks of writes: the event loop runs what is waiting first.
import { setImmediate } from 'node:timers/promises';
import type { Db } from '../db';
import type { FailureKind } from '../io-errors';
import type { FileProblem, IndexedFacts, PendingFile, PhotoMetadata, ScannedFileRecord } from './records';

/**
 * The files table as indexing sees it: a scan's reconciliation, pending files, results and failures, metadata re-reads.
 * Each step is written as it happens, so a killed refresh resumes where it stopped.
 */
export class FilesRepository {
  constructor(private readonly db: Db) {}

  /** Failures whose cause was outside the file (disk full, permission, I/O) become pending again. */
  retryTransientFailures(): void {
    this.db.prepare("UPDATE files SET status = 'pending', error = NULL, failure_kind = NULL WHERE status = 'failed' AND failure_kind = 'transient'").run();
  }

  /**
   * Records a root's scan in one transaction: new files are added (pending or unsupported), changed ones become pending,
   * and files not seen are marked missing — unless they sit in a folder that could not be read this time.
   */
  /**
   * Records a root's scan: new files pending, changed ones pending again, vanished ones missing (except under folders
   * that could not be read). Written in transactions of `chunk` files with the event loop turning between them — a
   * first scan of 100 000 photos is a few hundred milliseconds of inserts — and files are marked missing only after
   * every found file is recorded, so an interrupted reconcile loses nothing (the next scan finishes it).
   */
  async reconcileScan(rootId: number, files: readonly ScannedFileRecord[], unreadableDirs: readonly string[], chunk = 2000): Promise<{ added: number; changed: number }> {
    const known = new Map<string, { id: number; path: string; size: number; mtime_ms: number; status: string }>();
    const page = this.db.prepare('SELECT id, path, size, mtime_ms, status FROM files WHERE root_id = ? AND id > ? ORDER BY id LIMIT ?');
    for (let after = 0; ; await setImmediate()) {
      const rows = page.all(rootId, after, chunk * 5) as { id: number; path: string; size: number; mtime_ms: number; status: string }[];
      for (const r of rows) known.set(r.path, r);
      if (rows.length < chunk * 5) break;
      after = rows.at(-1)!.id;
    }
    const insert = this.db.prepare('INSERT INTO files (root_id, path, folder, name, format, size, mtime_ms, status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const changed = this.db.prepare("UPDATE files SET size = ?, mtime_ms = ?, status = 'pending', error = NULL, failure_kind = NULL WHERE id = ?");
    const missing = this.db.prepare("UPDATE files SET status = 'missing' WHERE id = ?");
    const counts = { added: 0, changed: 0 };
    const record = this.db.transaction((slice: readonly ScannedFileRecord[]) => {
      for (const file of slice) {
        const row = known.get(file.path);
        known.delete(file.path);
        if (!row) {
          const status = file.unsupported ? 'unsupported' : 'pending';
          insert.run(rootId, file.path, dirname(file.path), basename(file.path), file.format, file.size, file.mtimeMs, status, file.unsupported);
          counts.added++;
        } else if (row.size !== file.size || row.mtime_ms !== file.mtimeMs || row.status === 'missing') {
          if (!file.unsupported) changed.run(file.size, file.mtimeMs, row.id);
          counts.changed++;
        }
      }
    });
    for (let start = 0; start < files.length; start += chunk) {
      record(files.slice(start, start + chunk));
      await setImmediate();
    }
    const gone = [...known.values()].filter((row) => !unreadableDirs.some((dir) => row.path.startsWith(dir + sep)));
    const markMissing = this.db.transaction((rows: typeof gone) => {
      for (const row of rows) missing.run(row.id);
    });
    for (let start = 0; start < gone.length; start += chunk) {
      markMissing(gone.slice(start, start + chunk));
      await setImmediate();
    }
    return counts;
  }

  pending(): PendingFile[] {
    const rows = this.db.prepare("SELECT id, root_id, path, folder, name, size, mtime_ms FROM files WHERE status = 'pending' ORDER BY id").all() as {
      id: number;
      root_id: number;
      path: string;
      folder: string;
      name: string;
      size: number;
      mtime_ms: number;
    }[];
    return rows.map((r) => ({ id: r.id, rootId: r.root_id, path: r.path, folder: r.folder, name: r.name, size: r.size, mtimeMs: r.mtime_ms }));
  }

  /** A file gone at the last scan with exactly this content: the same photo, moved. */
  missingWithHash(hash: string): number | undefined {
    return this.db.prepare("SELECT id FROM files WHERE hash = ? AND status = 'missing' LIMIT 1").pluck().get(hash) as number | undefined;
  }

  /**
   * Stores what indexing learned about a pending file, in one transaction. With `movedId` (a missing file with the same
   * content) the old row takes the new path and keeps its id, embeddings and tags, and the new row goes; otherwise the
   * file's old embeddings go, since its content changed. Returns the id the photo keeps.
   */
  recordIndexed(file: PendingFile, facts: IndexedFacts, movedId: number | undefined, metadataVersion: number): number {
    return this.db.transaction(() => {
      let id = file.id;
      if (movedId !== undefined) {
        this.delete(file.id);
        this.db
          .prepare('UPDATE files SET root_id = ?, path = ?, folder = ?, name = ?, size = ?, mtime_ms = ? WHERE id = ?')
          .run(file.rootId, file.path, file.folder, file.name, file.size, file.mtimeMs, movedId);
        id = movedId;
      }
      this.db
        .prepare(
          `UPDATE files SET status = 'indexed', error = NULL, failure_kind = NULL, hash = ?, format = ?, width = ?, height = ?, orientation = ?, taken_at = ?,
           camera = ?, lens = ?, gps_lat = ?, gps_lon = ?, thumb = ?, preview_width = ?, preview_height = ?, indexed_at = ? WHERE id = ?`,
        )
        .run(
          facts.hash, facts.format, facts.width, facts.height, facts.orientation, facts.takenAt, facts.camera, facts.lens, facts.gpsLat, facts.gpsLon, facts.thumb,
          facts.preview?.width ?? null, facts.preview?.height ?? null, Date.now(), id,
        );
      this.storeMetadata(id, facts, metadataVersion);
      if (movedId === undefined) this.db.prepare('DELETE FROM embeddings WHERE file_id = ?').run(id);
      return id;
    })();
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM files WHERE id = ?').run(id);
  }

  /** Where a file is and which library folder holds it (null: no such item). */
  locate(id: number): { path: string; rootPath: string } | null {
    const row = this.db.prepare('SELECT f.path AS path, r.path AS rootPath FROM files f JOIN roots r ON r.id = f.root_id WHERE f.id = ?').get(id);
    return (row as { path: string; rootPath: string } | undefined) ?? null;
  }

  /**
   * Forgets files the user moved away (e.g. to the trash), as a rescan would: their rows, tags, album places and
   * embeddings go; returns the thumbnails nothing else shows any more (another file with the same content or a concept card).
   */
  removeItems(ids: readonly number[]): { unusedThumbs: string[] } {
    if (ids.length === 0) return { unusedThumbs: [] };
    const list = ids.map(() => '?').join(',');
    return this.db.transaction(() => {
      const unusedThumbs = this.db
        .prepare(
          `SELECT DISTINCT f.thumb FROM files f WHERE f.id IN (${list}) AND f.thumb IS NOT NULL
           AND f.thumb NOT IN (SELECT thumb FROM files WHERE id NOT IN (${list}) AND thumb IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM concepts c WHERE instr(c.photos, f.thumb) > 0)`,
        )
        .pluck()
        .all(...ids, ...ids) as string[];
      this.db.prepare(`DELETE FROM files WHERE id IN (${list})`).run(...ids);
      return { unusedThumbs };
    })();
  }

  markFailed(id: number, reason: string, kind: FailureKind): void {
    this.db.prepare("UPDATE files SET status = 'failed', error = ?, failure_kind = ?, indexed_at = ? WHERE id = ?").run(reason, kind, Date.now(), id);
  }

  /** Deletes the files still missing after move detection; returns their ids. */
  removeMissing(): number[] {
    const gone = this.db.prepare("SELECT id FROM files WHERE status = 'missing'").pluck().all() as number[];
    if (gone.length) this.db.prepare("DELETE FROM files WHERE status = 'missing'").run();
    return gone;
  }

  /** Writes a photo's metadata onto its row; keywords join its tags (so they are searched like tags). */
  storeMetadata(id: number, meta: PhotoMetadata, version: number): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE files SET taken_at = ?, camera = ?, lens = ?, gps_lat = ?, gps_lon = ?, iso = ?, aperture = ?, shutter = ?, focal_length = ?,
           title = ?, caption = ?, meta_version = ? WHERE id = ?`,
        )
        .run(meta.takenAt, meta.camera, meta.lens, meta.gpsLat, meta.gpsLon, meta.iso, meta.aperture, meta.shutter, meta.focalLength, meta.title, meta.caption, version, id);
      const add = this.db.prepare('INSERT OR IGNORE INTO tags (file_id, tag) VALUES (?, ?)');
      for (const keyword of meta.keywords) add.run(id, keyword);
    })();
  }

  /** Indexed photos whose metadata was read by an older version than `version`. */
  staleMetadata(version: number): { id: number; path: string }[] {
    return this.db.prepare("SELECT id, path FROM files WHERE status = 'indexed' AND meta_version < ?").all(version) as { id: number; path: string }[];
  }

  counts(): { files: number; indexed: number; pending: number } {
    const count = (where: string) => this.db.prepare(`SELECT count(*) FROM files WHERE ${where}`).pluck().get() as number;
    return { files: count("status != 'missing'"), indexed: count("status = 'indexed'"), pending: count("status = 'pending'") };
  }

  /** Failed or unsupported files (the first 500 by path) and why. */
  problems(status: 'failed' | 'unsupported'): FileProblem[] {
    const rows = this.db.prepare('SELECT path, error, failure_kind FROM files WHERE status = ? ORDER BY path LIMIT 500').all(status) as {
      path: string;
      error: string | null;
      failure_kind: FileProblem['failureKind'];
    }[];
    return rows.map((r) => ({ path: r.path, error: r.error, failureKind: r.failure_kind }));
  }
}
