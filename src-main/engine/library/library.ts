import { existsSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { AppError, type DuplicateResolution, type Facets, type Filters, type Place, type ItemDetail, type ItemsUpdate, type LibraryItem, type LibraryStatus, type ResolveDuplicatesResult, type Root, type SearchQuery, type SearchResult } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import type { JobContext } from '../jobs/runner';
import type { Db } from '../storage/db';
import { libraryRepositories, type LibraryRepositories } from '../storage/library';
import type { Quantization } from '../vectors/vector-index';
import { Albums } from './albums';
import type { processImage } from './file-processor';
import { cleanTags, itemIdByPath, updateItems } from './item-edits';
import { nearDuplicateGroups } from './near-duplicates';
import { refreshLibrary, type EmbeddingModel, type RefreshSummary } from './refresh';
import { viewRendition } from './rendition';
import { searchLibrary } from './search';
import { systemTrash, trashDuplicates, type MoveToTrash } from './trash-duplicates';
import { VectorIndexes, type OpenVectorIndex } from './vector-indexes';

export type { EmbeddingModel, RefreshSummary } from './refresh';

export interface LibraryOptions {
  db: Db;
  /** The repositories over `db` (default: made from it). */
  repositories?: LibraryRepositories;
  /** Where thumbnails are cached. */
  thumbDir: string;
  /** Where vector indexes are saved (one per model). */
  vectorsDir: string;
  model: () => EmbeddingModel;
  embedBatch?: number;
  /** Files decoded at once (default: the thread budget's decode lanes). */
  concurrency?: number;
  /** libvips threads per decode (default: the thread budget's). */
  vipsThreads?: number;
  /** Reads one photo (default processImage; tests pass one that fails the way a full disk does). */
  processImage?: typeof processImage;
  /** Per-file read limit (default: see readRegularFile). */
  readTimeoutMs?: number;
  /** How vectors are stored in the search index (default f32). */
  precision?: () => Quantization;
  /** Makes a vector index object (default: a usearch VectorIndex; tests count openings through it). */
  openVectorIndex?: OpenVectorIndex;
  /** Moves a file to the system trash (default: the `trash` package; tests pass one that refuses). */
  moveToTrash?: MoveToTrash;
}

/** The photo library: roots, scanning and reconciliation, per-file metadata and thumbnails, embeddings and search. */
export class Library {
  private readonly store: LibraryRepositories;
  private readonly indexes: VectorIndexes;
  private serving: { key: string; model: string } | null = null;
  /** Hand-picked sets of photos; a filter can name one. */
  readonly albums: Albums;

  constructor(private readonly options: LibraryOptions) {
    this.store = options.repositories ?? libraryRepositories(options.db);
    this.albums = new Albums(this.store.albums);
    this.indexes = new VectorIndexes({ vectorsDir: options.vectorsDir, embeddings: this.store.embeddings, precision: options.precision, open: options.openVectorIndex });
  }

  // ---- roots ---------------------------------------------------------------------------------------------------------

  addRoot(path: string): Root {
    if (!isAbsolute(path)) throw new AppError('INVALID_PARAMS', `A library folder must be an absolute path, not “${path}”.`);
    const abs = resolve(path);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new AppError('NOT_FOUND', `${abs} is not a folder the studio can find.`);
    const inside = this.listRoots().find((r) => abs === r.path || abs.startsWith(r.path + sep) || r.path.startsWith(abs + sep));
    if (inside) throw new AppError('CONFLICT', `${abs} overlaps the library folder ${inside.path}; add each photo only once.`);
    const id = this.store.roots.add(abs, Date.now());
    return this.listRoots().find((r) => r.id === id)!;
  }

  /** Forgets a folder: its files, their vectors, and their thumbnails (unless still shown elsewhere). */
  removeRoot(id: number): void {
    const removed = this.store.roots.remove(id);
    if (!removed) throw new AppError('NOT_FOUND', `No library folder with id ${id}.`);
    this.indexes.forget(removed.fileIds);
    for (const thumb of removed.unusedThumbs) rmSync(join(this.options.thumbDir, thumb), { force: true });
  }

  listRoots(): Root[] {
    return this.store.roots.list();
  }

  // ---- scan + index ---------------------------------------------------------------------------------------------------

  /** See refreshLibrary: scan, index pending files, embed what lacks an embedding; resumable. */
  refresh(ctx: JobContext): Promise<RefreshSummary> {
    const { thumbDir, model, embedBatch, concurrency, vipsThreads, processImage, readTimeoutMs } = this.options;
    return refreshLibrary({ store: this.store, indexes: this.indexes, model, thumbDir, embedBatch, concurrency, vipsThreads, processImage, readTimeoutMs }, ctx);
  }

  /** Checks every key of the vector index against the database now, repairs it, and returns what was found. */
  async verify(): Promise<string> {
    const model = this.options.model();
    const clip = await model.load();
    if (this.store.embeddings.count(model.id) === 0 && !clip) return `no vectors yet: ${model.id} is not installed`;
    return this.indexes.verify(model.id, clip);
  }

  // ---- status, items, search ------------------------------------------------------------------------------------------

  /**
   * Which model's vectors should answer searches: the chosen one when it has embedded every indexed photo (or nothing else
   * has vectors); otherwise the model with the most vectors, so switching models never leaves search half-empty.
   */
  servingModel(): string {
    // Counting missing embeddings scans every file (25 ms at 100k): remember the answer until the database changes.
    const key = `${this.options.model().id}|${this.store.embeddings.changeStamp()}`;
    if (this.serving?.key !== key) this.serving = { key, model: this.chooseServingModel() };
    return this.serving.model;
  }

  private chooseServingModel(): string {
    const chosen = this.options.model().id;
    // With no other model's vectors there is nothing to fall back to: skip counting missing ones (100 ms at 100k).
    if (!this.store.embeddings.hasOtherModels(chosen)) return chosen;
    if (this.store.embeddings.countMissing(chosen) === 0) return chosen;
    const best = this.store.embeddings.mostEmbedded();
    return best && best.count > this.store.embeddings.count(chosen) ? best.model : chosen;
  }

  status(installed: boolean): LibraryStatus {
    const model = this.options.model();
    const listed = (status: 'failed' | 'unsupported') =>
      this.store.files
        .problems(status)
        .map((r) => (r.failureKind === 'transient' ? { path: r.path, reason: `${r.error ?? ''} Will retry on the next refresh.`, willRetry: true } : { path: r.path, reason: r.error ?? '' }));
    const open = this.indexes.current(model.id);
    return {
      roots: this.store.roots.count(),
      ...this.store.files.counts(),
      pendingEmbeddings: this.store.embeddings.countMissing(model.id),
      embedded: this.store.embeddings.count(model.id),
      failed: listed('failed'),
      unsupported: listed('unsupported'),
      model: { id: model.id, installed },
      servingModel: this.servingModel(),
      vectors: { size: open?.index.size ?? 0, check: open?.check ?? null },
    };
  }

  item(id: number): ItemDetail {
    const detail = this.store.items.detail(id);
    if (!detail) throw new AppError('NOT_FOUND', `No library item ${id}.`);
    return detail;
  }

  /** Library items with exactly this content (sha256), e.g. a dropped file that is also in the library. */
  itemsWithHash(hash: string): number[] {
    return this.store.items.indexedWithHash(hash);
  }

  /** An item's stored embedding for a model, or null when it has none yet. */
  embeddingOf(id: number, model: string): Float32Array | null {
    return this.store.embeddings.vector(id, model);
  }

  /** A large rendition of a photo for the viewer (cached under the thumbnail folder). */
  async view(id: number): Promise<{ url: string; width: number; height: number }> {
    const file = this.store.items.indexedFile(id);
    if (!file) throw new AppError('NOT_FOUND', `No indexed library item ${id}.`);
    const rendition = await viewRendition(file.path, file.hash, this.options.thumbDir);
    return { url: rendition.file.split(sep).join('/'), width: rendition.width, height: rendition.height };
  }

  /** The item at a file path. */
  itemByPath(path: string): ItemDetail {
    return this.item(itemIdByPath(this.store.items, path));
  }

  /** Ratings, pick/reject flags and tags for many items at once. */
  updateItems(update: ItemsUpdate): { updated: number } {
    return { updated: updateItems(this.store.items, update) };
  }

  setTags(id: number, tags: string[]): void {
    this.item(id);
    this.store.items.setTags(id, cleanTags(tags));
  }

  /** Groups of files with identical content, largest groups first. */
  duplicates(): LibraryItem[][] {
    return this.store.duplicates.identicalGroups();
  }

  /** Keeps one photo per group and moves the others to the system trash; see trashDuplicates. */
  resolveDuplicates(groups: readonly DuplicateResolution[]): Promise<ResolveDuplicatesResult> {
    return trashDuplicates({ store: this.store, indexes: this.indexes, thumbDir: this.options.thumbDir, moveToTrash: this.options.moveToTrash ?? systemTrash }, groups);
  }

  /**
   * Groups of near-identical photos (crops, re-exports, slight edits): pairs whose vectors are at least `threshold`
   * similar, joined transitively. Visits every photo once (an index query each), so it runs as a job.
   */
  nearDuplicates(ctx: JobContext, threshold = 0.95): Promise<LibraryItem[][]> {
    const model = this.servingModel();
    return nearDuplicateGroups(this.store, model, () => this.indexes.get(model, null), ctx, threshold);
  }

  facets(): Facets {
    return this.store.listing.facets();
  }

  /** Photos with GPS coordinates, filtered like a listing; an unknown album is an error, as in search. */
  places(filters: Filters): Place[] {
    if (filters.album !== undefined) this.albums.require(filters.album);
    return this.store.listing.places(this.store.listing.filter(filters));
  }

  /** See searchLibrary: text, more-like-this or an embedded picture, with filters and paging. */
  async search(query: SearchQuery, clip: ClipModel | null, imageVector?: Float32Array, servingModel?: string, exclude?: ReadonlySet<number>): Promise<SearchResult> {
    if (query.filters?.album !== undefined) this.albums.require(query.filters.album);
    const deps = { ...this.store, vectorIndex: (model: string, c: ClipModel | null) => this.indexes.get(model, c), defaultModel: () => this.options.model().id };
    return searchLibrary(deps, query, clip, imageVector, servingModel, exclude);
  }

  async close(): Promise<void> {
    await this.indexes.close();
  }
}
