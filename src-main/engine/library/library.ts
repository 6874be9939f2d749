import { existsSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { AppError, type Facets, type ItemDetail, type ItemsUpdate, type LibraryItem, type LibraryStatus, type Root, type SearchQuery, type SearchResult } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import type { PreprocessConfig } from '../clip/preprocess';
import type { JobContext } from '../jobs/runner';
import { VectorIndex, type Quantization, type VectorSource } from '../vectors/vector-index';
import type { Db } from '../storage/db';
import { facets, forEachConcurrent, identicalGroups, toVector } from './queries';
import { itemRows, searchLibrary } from './search';
import { failureReason, processImage } from './file-processor';
import { itemIdByPath, updateItems } from './item-edits';
import { viewRendition } from './rendition';
import { metadataDetail, rereadOldMetadata, storeMetadata } from './metadata';
import { scanFolder, type ScanProblem } from './scanner';
import { failureKind } from '../storage/io-errors';
import { readRegularFile } from '../storage/regular-file';

/** The CLIP model to embed with, or null when it is not installed (metadata and thumbnails still get done). */
export interface EmbeddingModel {
  id: string;
  load(): Promise<ClipModel | null>;
}

export interface LibraryOptions {
  db: Db;
  /** Where thumbnails are cached. */
  thumbDir: string;
  /** Where vector indexes are saved (one per model). */
  vectorsDir: string;
  model: () => EmbeddingModel;
  embedBatch?: number;
  /** Files decoded at once (each decode also uses libvips' own threads). */
  concurrency?: number;
  /** Reads one photo (default processImage; tests pass one that fails the way a full disk does). */
  processImage?: typeof processImage;
  /** Per-file read limit (default: see readRegularFile). */
  readTimeoutMs?: number;
  /** How vectors are stored in the search index (default f32). */
  precision?: () => Quantization;
}

interface FileRow {
  id: number;
  root_id: number;
  path: string;
  folder: string;
  name: string;
  size: number;
  mtime_ms: number;
  hash: string | null;
  width: number | null;
  height: number | null;
  status: string;
  error: string | null;
  thumb: string | null;
}

export interface RefreshSummary {
  added: number;
  changed: number;
  removed: number;
  moved: number;
  indexed: number;
  failed: number;
  embedded: number;
  problems: ScanProblem[];
}

/** The photo library: roots, scanning and reconciliation, per-file metadata and thumbnails, embeddings and search. */
export class Library {
  /** Vector indexes being opened (checked against the database), by model and precision. */
  private readonly opening = new Map<string, Promise<VectorIndex>>();
  /** Open vector indexes by model and precision (more than one while switching models or precision). */
  private readonly indexes = new Map<string, { model: string; precision: Quantization; index: VectorIndex; check: string | null }>();

  private precision(): Quantization {
    return this.options.precision?.() ?? 'f32';
  }

  /** The open index of a model at the current precision, if any. */
  private openIndex(model: string) {
    return this.indexes.get(`${model}.${this.precision()}`);
  }

  /** Removes files' vectors from every open index. */
  private forget(ids: number[]): void {
    for (const entry of this.indexes.values()) entry.index.remove(ids);
  }

  constructor(private readonly options: LibraryOptions) {}

  private get db(): Db {
    return this.options.db;
  }

  // ---- roots ---------------------------------------------------------------------------------------------------------

  addRoot(path: string): Root {
    if (!isAbsolute(path)) throw new AppError('INVALID_PARAMS', `A library folder must be an absolute path, not “${path}”.`);
    const abs = resolve(path);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new AppError('NOT_FOUND', `${abs} is not a folder the studio can find.`);
    const inside = this.listRoots().find((r) => abs === r.path || abs.startsWith(r.path + sep) || r.path.startsWith(abs + sep));
    if (inside) throw new AppError('CONFLICT', `${abs} overlaps the library folder ${inside.path}; add each photo only once.`);
    const id = Number(this.db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?)').run(abs, Date.now()).lastInsertRowid);
    return this.listRoots().find((r) => r.id === id)!;
  }

  /** Forgets a folder: its files, their vectors, and their thumbnails (unless still shown elsewhere). */
  removeRoot(id: number): void {
    const ids = this.db.prepare('SELECT id FROM files WHERE root_id = ?').pluck().all(id) as number[];
    const thumbs = this.db
      .prepare(
        // Kept when another folder has the same content, or a concept card shows it.
        `SELECT DISTINCT f.thumb FROM files f WHERE f.root_id = ? AND f.thumb IS NOT NULL
         AND f.thumb NOT IN (SELECT thumb FROM files WHERE root_id != ? AND thumb IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM concepts c WHERE instr(c.photos, f.thumb) > 0)`,
      )
      .pluck()
      .all(id, id) as string[];
    const changes = this.db.prepare('DELETE FROM roots WHERE id = ?').run(id).changes;
    if (changes === 0) throw new AppError('NOT_FOUND', `No library folder with id ${id}.`);
    this.forget(ids);
    for (const thumb of thumbs) rmSync(join(this.options.thumbDir, thumb), { force: true });
  }

  listRoots(): Root[] {
    return this.db
      .prepare(
        `SELECT r.id, r.path, r.problem, count(f.id) AS files, sum(f.status = 'indexed') AS indexed
         FROM roots r LEFT JOIN files f ON f.root_id = r.id GROUP BY r.id ORDER BY r.path`,
      )
      .all()
      .map((r) => {
        const row = r as { id: number; path: string; problem: string | null; files: number; indexed: number | null };
        return { id: row.id, path: row.path, problem: row.problem, files: row.files, indexed: row.indexed ?? 0 };
      });
  }

  // ---- scan + index ---------------------------------------------------------------------------------------------------

  /**
   * Brings the library up to date: scans every root (new, changed, vanished files), processes pending files (hash,
   * metadata, thumbnail — recognising moved files by content hash so they keep their embeddings), then embeds what lacks
   * an embedding for the current model. Every step is recorded in the database as it happens, so a killed run resumes.
   */
  async refresh(ctx: JobContext): Promise<RefreshSummary> {
    const summary: RefreshSummary = { added: 0, changed: 0, removed: 0, moved: 0, indexed: 0, failed: 0, embedded: 0, problems: [] };
    // Failures whose cause was outside the file (disk full, permission, I/O) get another try.
    this.db.prepare("UPDATE files SET status = 'pending', error = NULL, failure_kind = NULL WHERE status = 'failed' AND failure_kind = 'transient'").run();
    // Roots are listed again after each scan, so a folder added while this refresh runs is scanned too.
    const scanned = new Set<number>();
    for (let root = this.nextRoot(scanned); root; root = this.nextRoot(scanned)) {
      scanned.add(root.id);
      await ctx.checkpoint();
      await this.scanRoot(root, summary, ctx.signal);
    }
    await rereadOldMetadata(this.db, ctx.signal);
    const pending = this.db.prepare("SELECT * FROM files WHERE status = 'pending' ORDER BY id").all() as FileRow[];
    const model = this.options.model();
    const clip = await model.load();
    const index = clip ? await this.vectorIndex(model.id, clip) : null;
    const batchSize = this.options.embedBatch ?? 16;
    let done = 0;
    let total = pending.length + (clip ? this.countMissingEmbeddings(model.id) : 0);
    ctx.progress(0, total);

    // New and changed files: decoded once each, a few at a time; their CLIP inputs are embedded in batches as they come.
    const ready: { id: number; input: Float32Array }[] = [];
    const flush = async () => {
      if (!clip || !index || ready.length === 0) return;
      const batch = ready.splice(0, ready.length);
      const vectors = await clip.encodeTensors(batch.map((b) => b.input));
      this.storeEmbeddings(model.id, batch.map((b, i) => ({ id: b.id, vector: vectors[i]! })), index);
      summary.embedded += batch.length;
    };
    await forEachConcurrent(pending, this.options.concurrency ?? 3, async (row) => {
      await ctx.checkpoint();
      const embedInput = await this.processRow(row, summary, ctx.signal, clip?.preprocess);
      if (embedInput && clip) {
        ready.push(embedInput);
        if (ready.length >= batchSize) await flush();
      }
      ctx.progress(++done, total);
    });
    await flush();
    // Whatever is still missing after move detection is gone.
    const gone = this.db.prepare("SELECT id FROM files WHERE status = 'missing'").pluck().all() as number[];
    if (gone.length) {
      this.db.prepare("DELETE FROM files WHERE status = 'missing'").run();
      this.forget(gone);
      summary.removed += gone.length;
    }
    // Files indexed earlier without a model (or whose embedding failed): embed them from their files.
    if (clip && index) {
      total = done + this.countMissingEmbeddings(model.id);
      for (;;) {
        await ctx.checkpoint();
        const rows = this.db
          .prepare(
            `SELECT f.id, f.path FROM files f WHERE f.status = 'indexed'
             AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.file_id = f.id AND e.model = ?) ORDER BY f.id LIMIT ?`,
          )
          .all(model.id, batchSize) as { id: number; path: string }[];
        if (rows.length === 0) break;
        // Read as regular files only, with the job's cancel and the per-file timeout.
        const read = await Promise.allSettled(rows.map((r) => readRegularFile(r.path, { signal: ctx.signal, timeoutMs: this.options.readTimeoutMs })));
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const readable = rows.flatMap((row, i) => {
          const r = read[i]!;
          if (r.status === 'fulfilled') return [{ row, bytes: r.value }];
          this.markFailed(row.id, r.reason, 1);
          summary.failed++;
          return [];
        });
        const results = await clip.encodeImages(
          readable.map((r) => r.bytes),
          { batchSize, signal: ctx.signal },
        );
        const good: { id: number; vector: Float32Array }[] = [];
        readable.forEach(({ row }, i) => {
          const result = results[i]!;
          if (result.ok) good.push({ id: row.id, vector: result.embedding });
          else {
            this.markFailed(row.id, AppError.fromWire(result.error), 1);
            summary.failed++;
          }
        });
        this.storeEmbeddings(model.id, good, index);
        summary.embedded += good.length;
        done += rows.length;
        ctx.progress(done, total);
      }
      await index.save();
    }
    return summary;
  }

  private nextRoot(scanned: ReadonlySet<number>): Root | undefined {
    return this.listRoots().find((r) => !scanned.has(r.id));
  }

  private async scanRoot(root: Root, summary: RefreshSummary, signal: AbortSignal): Promise<void> {
    const { files, problems } = await scanFolder(root.path, signal);
    summary.problems.push(...problems);
    const rootProblem = problems.find((p) => p.path === root.path)?.message ?? null;
    this.db.prepare('UPDATE roots SET problem = ? WHERE id = ?').run(rootProblem, root.id);
    if (rootProblem) return; // An unreadable root keeps its files as they were rather than losing them.

    const known = new Map(
      (this.db.prepare('SELECT id, path, size, mtime_ms, status FROM files WHERE root_id = ?').all(root.id) as Pick<FileRow, 'id' | 'path' | 'size' | 'mtime_ms' | 'status'>[]).map(
        (r) => [r.path, r],
      ),
    );
    const unreadableDirs = problems.map((p) => p.path);
    const insert = this.db.prepare(
      "INSERT INTO files (root_id, path, folder, name, format, size, mtime_ms, status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const changed = this.db.prepare("UPDATE files SET size = ?, mtime_ms = ?, status = 'pending', error = NULL, failure_kind = NULL WHERE id = ?");
    const missing = this.db.prepare("UPDATE files SET status = 'missing' WHERE id = ?");
    this.db.transaction(() => {
      for (const file of files) {
        const row = known.get(file.path);
        known.delete(file.path);
        if (!row) {
          const status = file.unsupported ? 'unsupported' : 'pending';
          insert.run(root.id, file.path, dirname(file.path), basename(file.path), file.format, file.size, file.mtimeMs, status, file.unsupported);
          summary.added++;
        } else if (row.size !== file.size || row.mtime_ms !== file.mtimeMs || row.status === 'missing') {
          if (!file.unsupported) changed.run(file.size, file.mtimeMs, row.id);
          summary.changed++;
        }
      }
      // Files not seen are missing — unless they sit in a folder that could not be read this time.
      for (const row of known.values()) {
        if (!unreadableDirs.some((dir) => row.path.startsWith(dir + sep))) missing.run(row.id);
      }
    })();
  }

  /** Stores embeddings (one transaction) and adds them to the vector index. */
  private storeEmbeddings(model: string, rows: { id: number; vector: Float32Array }[], index: VectorIndex): void {
    const store = this.db.prepare('INSERT OR REPLACE INTO embeddings (file_id, model, dim, vector) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const { id, vector } of rows) store.run(id, model, vector.length, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    })();
    for (const { id, vector } of rows) index.add(id, vector);
  }

  /** Indexes one pending file; returns its CLIP input when it needs an embedding (a moved file keeps its own). */
  private async processRow(row: FileRow, summary: RefreshSummary, signal: AbortSignal, preprocess?: PreprocessConfig): Promise<{ id: number; input: Float32Array } | null> {
    let facts;
    try {
      facts = await (this.options.processImage ?? processImage)(row.path, this.options.thumbDir, preprocess, { signal, timeoutMs: this.options.readTimeoutMs });
    } catch (error) {
      if (signal.aborted) throw error;
      if (!existsSync(row.path)) {
        // Deleted while queued.
        this.db.prepare('DELETE FROM files WHERE id = ?').run(row.id);
        summary.removed++;
        return null;
      }
      this.markFailed(row.id, error, row.size);
      summary.failed++;
      return null;
    }
    const moved = this.db.prepare("SELECT id FROM files WHERE hash = ? AND status = 'missing' LIMIT 1").pluck().get(facts.hash) as number | undefined;
    this.db.transaction(() => {
      let id = row.id;
      if (moved !== undefined) {
        // Same content at a new path: keep the old row (its id, embeddings, tags) and drop the new one.
        this.db.prepare('DELETE FROM files WHERE id = ?').run(row.id);
        this.db.prepare('UPDATE files SET root_id = ?, path = ?, folder = ?, name = ?, size = ?, mtime_ms = ? WHERE id = ?').run(
          row.root_id,
          row.path,
          row.folder,
          row.name,
          row.size,
          row.mtime_ms,
          moved,
        );
        id = moved;
        summary.moved++;
      } else summary.indexed++;
      this.db
        .prepare(
          `UPDATE files SET status = 'indexed', error = NULL, failure_kind = NULL, hash = ?, format = ?, width = ?, height = ?, orientation = ?, taken_at = ?,
           camera = ?, lens = ?, gps_lat = ?, gps_lon = ?, thumb = ?, indexed_at = ? WHERE id = ?`,
        )
        .run(facts.hash, facts.format, facts.width, facts.height, facts.orientation, facts.takenAt, facts.camera, facts.lens, facts.gpsLat, facts.gpsLon, facts.thumb, Date.now(), id);
      storeMetadata(this.db, id, facts);
      // Changed content invalidates old embeddings.
      if (moved === undefined) this.db.prepare('DELETE FROM embeddings WHERE file_id = ?').run(id);
    })();
    return moved === undefined ? { id: row.id, input: facts.clipInput } : null;
  }

  private markFailed(id: number, error: unknown, size: number): void {
    this.db.prepare("UPDATE files SET status = 'failed', error = ?, failure_kind = ?, indexed_at = ? WHERE id = ?").run(failureReason(error, size), failureKind(error), Date.now(), id);
  }

  private countMissingEmbeddings(model: string): number {
    return this.db
      .prepare("SELECT count(*) FROM files f WHERE f.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.file_id = f.id AND e.model = ?)")
      .pluck()
      .get(model) as number;
  }

  // ---- vectors --------------------------------------------------------------------------------------------------------

  private storedVectors(model: string): VectorSource {
    return {
      count: () => this.db.prepare('SELECT count(*) FROM embeddings WHERE model = ?').pluck().get(model) as number,
      sampleKeys: (n) => {
        const count = this.db.prepare('SELECT count(*) FROM embeddings WHERE model = ?').pluck().get(model) as number;
        const step = Math.max(1, Math.floor(count / n));
        return this.db
          .prepare('SELECT file_id FROM (SELECT file_id, row_number() OVER (ORDER BY file_id) AS n FROM embeddings WHERE model = ?) WHERE n % ? = 0 LIMIT ?')
          .pluck()
          .all(model, step, n) as number[];
      },
      all: () => {
        const rows = this.db.prepare('SELECT file_id, vector FROM embeddings WHERE model = ?').iterate(model) as Iterable<{ file_id: number; vector: Buffer }>;
        return (function* () {
          for (const row of rows) yield { key: row.file_id, vector: toVector(row.vector) };
        })();
      },
    };
  }

  /** The vector index for a model, checked against the stored embeddings the first time it is used (quickly, unless `full`). */
  private vectorIndex(model: string, clip: ClipModel | null, full = false): Promise<VectorIndex> {
    const key = `${model}.${this.precision()}`;
    const open = this.indexes.get(key);
    if (open) return Promise.resolve(open.index);
    // One opening per index: a search and a refresh (or the startup check) arriving together share it.
    let pending = this.opening.get(key);
    if (!pending) {
      pending = this.openVectorIndex(model, clip, full).finally(() => this.opening.delete(key));
      this.opening.set(key, pending);
    }
    return pending;
  }

  private async openVectorIndex(model: string, clip: ClipModel | null, full: boolean): Promise<VectorIndex> {
    const precision = this.precision();
    const dim = (this.db.prepare('SELECT dim FROM embeddings WHERE model = ? LIMIT 1').pluck().get(model) as number | undefined) ?? (clip ? (await clip.encodeTexts(['']))[0]!.length : 0);
    const index = new VectorIndex(join(this.options.vectorsDir, `${model}.${precision}.usearch`), dim, precision);
    const report = index.verify(this.storedVectors(model), { full });
    if (report.action !== 'ok') await index.save();
    // Registered only when ready: until then searches use whatever index they already had.
    this.indexes.set(`${model}.${precision}`, { model, precision, index, check: `${report.action}: ${report.reason}` });
    for (const [key, entry] of this.indexes) {
      if (entry.model === model && entry.precision !== precision) {
        await entry.index.save();
        this.indexes.delete(key);
      }
    }
    return index;
  }

  /** Checks every key of the vector index against the database now, repairs it, and returns what was found. */
  async verify(): Promise<string> {
    const model = this.options.model();
    const clip = await model.load();
    const stored = this.db.prepare('SELECT count(*) FROM embeddings WHERE model = ?').pluck().get(model.id) as number;
    if (stored === 0 && !clip) return `no vectors yet: ${model.id} is not installed`;
    const inFlight = this.opening.get(`${model.id}.${this.precision()}`);
    if (inFlight) await inFlight;
    const open = this.openIndex(model.id);
    if (open) {
      // Re-check the index in use from scratch (saved first, so nothing in memory is lost).
      await open.index.save();
      const report = open.index.verify(this.storedVectors(model.id), { full: true });
      if (report.action !== 'ok') await open.index.save();
      open.check = `${report.action}: ${report.reason}`;
      return open.check;
    }
    await this.vectorIndex(model.id, clip, true);
    return this.openIndex(model.id)!.check!;
  }

  // ---- status, items, search ------------------------------------------------------------------------------------------

  /**
   * Which model's vectors should answer searches: the chosen one when it has embedded every indexed photo (or nothing else
   * has vectors); otherwise the model with the most vectors, so switching models never leaves search half-empty.
   */
  servingModel(): string {
    // Counting missing embeddings scans every file (25 ms at 100k): remember the answer until the database changes,
    // here (total_changes) or in another process (data_version).
    const stamp = this.db.prepare('SELECT total_changes() AS here').get() as { here: number };
    const key = `${this.options.model().id}|${stamp.here}|${this.db.pragma('data_version', { simple: true })}`;
    if (this.serving?.key !== key) this.serving = { key, model: this.chooseServingModel() };
    return this.serving.model;
  }

  private serving: { key: string; model: string } | null = null;

  private chooseServingModel(): string {
    const chosen = this.options.model().id;
    if (this.countMissingEmbeddings(chosen) === 0) return chosen;
    const best = this.db.prepare('SELECT model, count(*) AS n FROM embeddings GROUP BY model ORDER BY n DESC LIMIT 1').get() as { model: string; n: number } | undefined;
    const chosenCount = this.db.prepare('SELECT count(*) FROM embeddings WHERE model = ?').pluck().get(chosen) as number;
    return best && best.n > chosenCount ? best.model : chosen;
  }

  status(installed: boolean): LibraryStatus {
    const model = this.options.model();
    const count = (where: string) => this.db.prepare(`SELECT count(*) FROM files WHERE ${where}`).pluck().get() as number;
    const listed = (status: string) =>
      (this.db.prepare('SELECT path, error, failure_kind FROM files WHERE status = ? ORDER BY path LIMIT 500').all(status) as { path: string; error: string | null; failure_kind: string | null }[]).map((r) =>
        r.failure_kind === 'transient' ? { path: r.path, reason: `${r.error ?? ''} Will retry on the next refresh.`, willRetry: true } : { path: r.path, reason: r.error ?? '' },
      );
    return {
      roots: this.db.prepare('SELECT count(*) FROM roots').pluck().get() as number,
      files: count("status != 'missing'"),
      indexed: count("status = 'indexed'"),
      pending: count("status = 'pending'"),
      pendingEmbeddings: this.countMissingEmbeddings(model.id),
      embedded: this.db.prepare('SELECT count(*) FROM embeddings WHERE model = ?').pluck().get(model.id) as number,
      failed: listed('failed'),
      unsupported: listed('unsupported'),
      model: { id: model.id, installed },
      servingModel: this.servingModel(),
      vectors: { size: this.openIndex(model.id)?.index.size ?? 0, check: this.openIndex(model.id)?.check ?? null },
    };
  }

  item(id: number): ItemDetail {
    const row = this.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as
      | (FileRow & { format: string | null; taken_at: number | null; camera: string | null; lens: string | null; gps_lat: number | null; gps_lon: number | null } & Parameters<typeof metadataDetail>[0])
      | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No library item ${id}.`);
    const tags = this.db.prepare('SELECT tag FROM tags WHERE file_id = ? ORDER BY tag').pluck().all(id) as string[];
    const duplicates = row.hash ? (this.db.prepare('SELECT path FROM files WHERE hash = ? AND id != ? ORDER BY path').pluck().all(row.hash, id) as string[]) : [];
    return {
      id: row.id,
      path: row.path,
      name: row.name,
      folder: row.folder,
      width: row.width,
      height: row.height,
      thumb: row.thumb,
      score: null,
      size: row.size,
      format: row.format,
      takenAt: row.taken_at,
      camera: row.camera,
      lens: row.lens,
      gps: row.gps_lat !== null && row.gps_lon !== null ? { lat: row.gps_lat, lon: row.gps_lon } : null,
      ...metadataDetail(row),
      tags,
      status: row.status,
      error: row.error,
      duplicates,
    };
  }

  /** Library items with exactly this content (sha256), e.g. a dropped file that is also in the library. */
  itemsWithHash(hash: string): number[] {
    return this.db.prepare("SELECT id FROM files WHERE hash = ? AND status = 'indexed'").pluck().all(hash) as number[];
  }

  /** An item's stored embedding for a model, or null when it has none yet. */
  embeddingOf(id: number, model: string): Float32Array | null {
    const blob = this.db.prepare('SELECT vector FROM embeddings WHERE file_id = ? AND model = ?').pluck().get(id, model) as Buffer | undefined;
    return blob ? toVector(blob) : null;
  }

  /** A large rendition of a photo for the viewer (cached under the thumbnail folder). */
  async view(id: number): Promise<{ url: string; width: number; height: number }> {
    const row = this.db.prepare("SELECT path, hash FROM files WHERE id = ? AND status = 'indexed'").get(id) as { path: string; hash: string } | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No indexed library item ${id}.`);
    const { file, width, height } = await viewRendition(row.path, row.hash, this.options.thumbDir);
    return { url: file.split(sep).join('/'), width, height };
  }

  /** The item at a file path. */
  itemByPath(path: string): ItemDetail {
    return this.item(itemIdByPath(this.db, path));
  }

  /** Ratings, pick/reject flags and tags for many items at once. */
  updateItems(update: ItemsUpdate): { updated: number } {
    return { updated: updateItems(this.db, update) };
  }

  setTags(id: number, tags: string[]): void {
    this.item(id);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM tags WHERE file_id = ?').run(id);
      const add = this.db.prepare('INSERT OR IGNORE INTO tags (file_id, tag) VALUES (?, ?)');
      for (const tag of tags.map((t) => t.trim().toLowerCase()).filter(Boolean)) add.run(id, tag);
    })();
  }

  /** Groups of files with identical content, largest groups first. */
  duplicates(): LibraryItem[][] {
    return identicalGroups(this.db);
  }

  /**
   * Groups of near-identical photos (crops, re-exports, slight edits): pairs whose vectors are at least `threshold`
   * similar, joined transitively. Visits every photo once (an index query each), so it runs as a job.
   */
  async nearDuplicates(ctx: JobContext, threshold = 0.95): Promise<LibraryItem[][]> {
    const model = this.servingModel();
    const total = this.db.prepare('SELECT count(*) FROM embeddings WHERE model = ?').pluck().get(model) as number;
    ctx.progress(0, total);
    if (total === 0) return [];
    const index = await this.vectorIndex(model, null);
    const parent = new Map<number, number>();
    const find = (x: number): number => {
      let root = x;
      while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
      parent.set(x, root);
      return root;
    };
    let done = 0;
    for (const { key, vector } of this.storedVectors(model).all()) {
      if (done % 256 === 0) await ctx.checkpoint();
      for (const hit of index.search(vector, 8)) {
        if (hit.key !== key && hit.score >= threshold) parent.set(find(hit.key), find(key));
      }
      if (++done % 500 === 0) ctx.progress(done, total);
    }
    ctx.progress(total, total);
    const groups = new Map<number, number[]>();
    for (const id of parent.keys()) {
      const root = find(id);
      groups.set(root, [...(groups.get(root) ?? []), id]);
    }
    const multi = [...groups.values()].filter((g) => g.length > 1);
    return multi
      .map((ids) => itemRows(this.db, [...new Set(ids)], { sql: '', params: [] }).sort((a, b) => a.path.localeCompare(b.path)))
      .filter((g) => g.length > 1)
      .sort((a, b) => b.length - a.length);
  }

  facets(): Facets {
    return facets(this.db);
  }

  /** See searchLibrary: text, more-like-this or an embedded picture, with filters and paging. */
  search(query: SearchQuery, clip: ClipModel | null, imageVector?: Float32Array, servingModel?: string, exclude?: ReadonlySet<number>): Promise<SearchResult> {
    return searchLibrary(
      { db: this.db, vectorIndex: (model, c) => this.vectorIndex(model, c), defaultModel: () => this.options.model().id },
      query,
      clip,
      imageVector,
      servingModel,
      exclude,
    );
  }

  async close(): Promise<void> {
    for (const entry of this.indexes.values()) await entry.index.save();
  }
}
