import { existsSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { sharp } from '../shared/native-packages';
import { AppError, type Root } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import type { PreprocessConfig } from '../clip/preprocess';
import type { JobContext } from '../jobs/runner';
import { threadBudget } from '../shared/thread-budget';
import { failureKind } from '../storage/io-errors';
import type { LibraryRepositories } from '../storage/library';
import type { PendingFile } from '../storage/library/records';
import { readRegularFile } from '../storage/regular-file';
import type { VectorIndex } from '../vectors/vector-index';
import { failureReason, processImage } from './file-processor';
import { BoundedQueue } from './bounded-queue';
import { forEachConcurrent } from './for-each-concurrent';
import { METADATA_VERSION, rereadOldMetadata } from './metadata';
import { scanFolder, type ScanProblem } from './scanner';
import type { VectorIndexes } from './vector-indexes';

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

/** The CLIP model to embed with, or null when it is not installed (metadata and thumbnails still get done). */
export interface EmbeddingModel {
  id: string;
  load(): Promise<ClipModel | null>;
}

export interface RefreshDeps {
  store: LibraryRepositories;
  indexes: VectorIndexes;
  model: () => EmbeddingModel;
  thumbDir: string;
  embedBatch?: number;
  /** Files decoded at once (default: the thread budget's decode lanes). */
  concurrency?: number;
  /** libvips threads per decode (default: the thread budget's). */
  vipsThreads?: number;
  processImage?: typeof processImage;
  readTimeoutMs?: number;
}

/**
 * Brings the library up to date: scans every root (new, changed, vanished files), processes pending files (hash,
 * metadata, thumbnail — recognising moved files by content hash so they keep their embeddings), then embeds what lacks
 * an embedding for the current model. Every step is recorded in the database as it happens, so a killed run resumes.
 */
export async function refreshLibrary(deps: RefreshDeps, ctx: JobContext): Promise<RefreshSummary> {
  const { store } = deps;
  const summary: RefreshSummary = { added: 0, changed: 0, removed: 0, moved: 0, indexed: 0, failed: 0, embedded: 0, problems: [] };
  store.files.retryTransientFailures();
  // Roots are listed again after each scan, so a folder added while this refresh runs is scanned too.
  const scanned = new Set<number>();
  for (let root = nextRoot(deps, scanned); root; root = nextRoot(deps, scanned)) {
    scanned.add(root.id);
    await ctx.checkpoint();
    await scanRoot(deps, root, summary, ctx.signal);
  }
  await rereadOldMetadata(store.files, ctx.signal);
  const pending = store.files.pending();
  const model = deps.model();
  const clip = await model.load();
  const index = clip ? await deps.indexes.get(model.id, clip) : null;
  const batchSize = deps.embedBatch ?? 16;
  const budget = threadBudget();
  sharp.concurrency(deps.vipsThreads ?? budget.vipsThreads);
  let done = 0;
  const total = pending.length + (clip ? store.embeddings.countMissing(model.id) : 0);
  ctx.progress(0, total);

  // Two stages joined by a bounded queue, so decoding overlaps inference: a few lanes decode new and changed files
  // (hash, metadata, thumbnail, CLIP input) while the model embeds full batches of what they produced. The queue holds
  // two batches, so decoding never runs far ahead of inference.
  const ready = new BoundedQueue<{ id: number; input: Float32Array }>(batchSize * 2);
  const decoding = forEachConcurrent(pending, deps.concurrency ?? budget.decodeLanes, async (file) => {
    await ctx.checkpoint();
    const embedInput = await processFile(deps, file, summary, ctx.signal, clip?.preprocess);
    if (embedInput && clip) await ready.push(embedInput);
    ctx.progress(++done, total);
  }).then(
    () => ready.close(),
    (error: unknown) => {
      ready.fail(error);
      throw error;
    },
  );
  const embedding = (async () => {
    if (!clip || !index) return;
    for (let batch = await ready.take(batchSize); batch.length > 0; batch = await ready.take(batchSize)) {
      const vectors = await clip.encodeTensors(batch.map((b) => b.input));
      await storeEmbeddings(deps, model.id, batch.map((b, i) => ({ id: b.id, vector: vectors[i]! })), index);
      summary.embedded += batch.length;
    }
  })().catch((error: unknown) => {
    ready.fail(error);
    throw error;
  });
  await Promise.all([decoding, embedding]);
  // Whatever is still missing after move detection is gone.
  const gone = store.files.removeMissing();
  if (gone.length) {
    deps.indexes.forget(gone);
    summary.removed += gone.length;
  }
  if (clip && index) await embedMissing(deps, model.id, clip, index, summary, ctx, done);
  return summary;
}

/** Files indexed earlier without a model (or whose embedding failed): embeds them from their files, a batch at a time. */
async function embedMissing(deps: RefreshDeps, model: string, clip: ClipModel, index: VectorIndex, summary: RefreshSummary, ctx: JobContext, done: number): Promise<void> {
  const { store } = deps;
  const batchSize = deps.embedBatch ?? 16;
  const total = done + store.embeddings.countMissing(model);
  for (;;) {
    await ctx.checkpoint();
    const rows = store.embeddings.missing(model, batchSize);
    if (rows.length === 0) break;
    // Read as regular files only, with the job's cancel and the per-file timeout.
    const read = await Promise.allSettled(rows.map((r) => readRegularFile(r.path, { signal: ctx.signal, timeoutMs: deps.readTimeoutMs })));
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const readable = rows.flatMap((row, i) => {
      const r = read[i]!;
      if (r.status === 'fulfilled') return [{ row, bytes: r.value }];
      markFailed(deps, row.id, r.reason, 1);
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
        markFailed(deps, row.id, AppError.fromWire(result.error), 1);
        summary.failed++;
      }
    });
    await storeEmbeddings(deps, model, good, index);
    summary.embedded += good.length;
    done += rows.length;
    ctx.progress(done, total);
  }
  await index.save();
}

function nextRoot(deps: RefreshDeps, scanned: ReadonlySet<number>): Root | undefined {
  return deps.store.roots.list().find((r) => !scanned.has(r.id));
}

async function scanRoot(deps: RefreshDeps, root: Root, summary: RefreshSummary, signal: AbortSignal): Promise<void> {
  const { files, problems } = await scanFolder(root.path, signal);
  summary.problems.push(...problems);
  const rootProblem = problems.find((p) => p.path === root.path)?.message ?? null;
  deps.store.roots.setProblem(root.id, rootProblem);
  if (rootProblem) return; // An unreadable root keeps its files as they were rather than losing them.
  const counts = await deps.store.files.reconcileScan(root.id, files, problems.map((p) => p.path));
  summary.added += counts.added;
  summary.changed += counts.changed;
}

/**
 * Stores embeddings (one transaction) and adds them to the vector index, letting the event loop turn between inserts
 * (an HNSW insert into a large index takes about a millisecond; a batch of them in a row would stall requests).
 */
async function storeEmbeddings(deps: RefreshDeps, model: string, rows: { id: number; vector: Float32Array }[], index: VectorIndex): Promise<void> {
  deps.store.embeddings.store(model, rows);
  for (const [i, { id, vector }] of rows.entries()) {
    index.add(id, vector);
    if (i % 4 === 3) await setImmediate();
  }
}

/** Indexes one pending file; returns its CLIP input when it needs an embedding (a moved file keeps its own). */
async function processFile(deps: RefreshDeps, file: PendingFile, summary: RefreshSummary, signal: AbortSignal, preprocess?: PreprocessConfig): Promise<{ id: number; input: Float32Array } | null> {
  let facts;
  try {
    facts = await (deps.processImage ?? processImage)(file.path, deps.thumbDir, preprocess, { signal, timeoutMs: deps.readTimeoutMs });
  } catch (error) {
    if (signal.aborted) throw error;
    if (!existsSync(file.path)) {
      // Deleted while queued.
      deps.store.files.delete(file.id);
      summary.removed++;
      return null;
    }
    markFailed(deps, file.id, error, file.size);
    summary.failed++;
    return null;
  }
  const moved = deps.store.files.missingWithHash(facts.hash);
  deps.store.files.recordIndexed(file, facts, moved, METADATA_VERSION);
  if (moved !== undefined) summary.moved++;
  else summary.indexed++;
  return moved === undefined ? { id: file.id, input: facts.clipInput } : null;
}

function markFailed(deps: RefreshDeps, id: number, error: unknown, size: number): void {
  deps.store.files.markFailed(id, failureReason(error, size), failureKind(error));
}
