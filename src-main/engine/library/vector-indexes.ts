import { join } from 'node:path';
import type { ClipModel } from '../clip/clip-model';
import type { EmbeddingsRepository } from '../storage/library/embeddings-repository';
import { phaseDone } from '../shared/phase-timings';
import { describeLayout, layoutFileTag, layoutFor, LARGE_LIBRARY, type IndexLayout } from '../vectors/index-layout';
import { VectorIndex, type ExactVectors, type Quantization } from '../vectors/vector-index';

/** Makes the index object for a file (tests pass one that counts openings). */
export type OpenVectorIndex = (file: string, dim: number, layout: IndexLayout, exact: ExactVectors) => VectorIndex;

export interface VectorIndexesOptions {
  /** Where vector indexes are saved (one file per model and precision). */
  vectorsDir: string;
  embeddings: EmbeddingsRepository;
  /** How vectors are stored in the search index (default f32). */
  precision?: () => Quantization;
  open?: OpenVectorIndex;
  /** From this many vectors on, the f16 setting uses the large-library layout (tests lower it). */
  largeLibrary?: number;
}

/** What a check found, and for a re-scoring index how it searches. */
const checkLine = (action: string, reason: string, layout: IndexLayout) => `${action}: ${reason}${layout.rescore ? ` (${describeLayout(layout)})` : ''}`;

interface OpenIndex {
  model: string;
  precision: Quantization;
  /** How this index is built, chosen from the precision and the library's size when it was opened. */
  layout: IndexLayout;
  index: VectorIndex;
  /** What the last check found, in words. */
  check: string | null;
}

/**
 * The library's vector indexes: each is opened once — checked against the stored embeddings the first time it is used —
 * and kept open; a search and a refresh (or the startup check) that ask at the same moment share one opening.
 */
export class VectorIndexes {
  /** Indexes being opened, by model and precision. */
  private readonly opening = new Map<string, Promise<VectorIndex>>();
  /** Open indexes by model and precision (more than one while switching models or precision). */
  private readonly indexes = new Map<string, OpenIndex>();

  constructor(private readonly options: VectorIndexesOptions) {}

  precision(): Quantization {
    return this.options.precision?.() ?? 'f32';
  }

  /** The open index of a model at the current precision, if any. */
  current(model: string): OpenIndex | undefined {
    return this.indexes.get(`${model}.${this.precision()}`);
  }

  /** Removes files' vectors from every open index. */
  forget(ids: number[]): void {
    for (const entry of this.indexes.values()) entry.index.remove(ids);
  }

  /** The vector index for a model, checked against the stored embeddings the first time it is used (quickly, unless `full`). */
  get(model: string, clip: ClipModel | null, full = false): Promise<VectorIndex> {
    const key = `${model}.${this.precision()}`;
    const open = this.indexes.get(key);
    if (open) return Promise.resolve(open.index);
    let pending = this.opening.get(key);
    if (!pending) {
      pending = this.openIndex(model, clip, full).finally(() => this.opening.delete(key));
      this.opening.set(key, pending);
    }
    return pending;
  }

  /** The layout a model's index gets at the current precision and library size. */
  layout(model: string): IndexLayout {
    return layoutFor(this.precision(), this.options.embeddings.count(model), this.options.largeLibrary ?? LARGE_LIBRARY);
  }

  private async openIndex(model: string, clip: ClipModel | null, full: boolean): Promise<VectorIndex> {
    const precision = this.precision();
    const dim = this.options.embeddings.dim(model) ?? (clip ? (await clip.encodeTexts(['']))[0]!.length : 0);
    // Chosen at opening: a library that grows past the threshold switches at its next opening (next launch or check).
    const layout = this.layout(model);
    const file = join(this.options.vectorsDir, `${model}.${layoutFileTag(layout)}.usearch`);
    const exact: ExactVectors = (keys) => this.options.embeddings.vectorsOf(model, keys);
    const index = this.options.open ? this.options.open(file, dim, layout, exact) : new VectorIndex(file, dim, layout, exact);
    const report = index.verify(this.options.embeddings.source(model), { full });
    if (report.action !== 'ok') await index.save();
    phaseDone(`vector index open + ${full ? 'full' : 'quick'} check (${report.action})`);
    // Registered only when ready: until then searches use whatever index they already had.
    const replaced = this.indexes.get(`${model}.${precision}`);
    this.indexes.set(`${model}.${precision}`, { model, precision, layout, index, check: checkLine(report.action, report.reason, layout) });
    if (replaced && replaced.index !== index) await replaced.index.save();
    for (const [key, entry] of this.indexes) {
      if (entry.model === model && entry.precision !== precision) {
        await entry.index.save();
        this.indexes.delete(key);
      }
    }
    return index;
  }

  /** Checks every key of a model's index against the database now, repairs it, and says what was found. */
  async verify(model: string, clip: ClipModel | null): Promise<string> {
    const key = `${model}.${this.precision()}`;
    const inFlight = this.opening.get(key);
    if (inFlight) await inFlight;
    const open = this.current(model);
    if (open && layoutFileTag(this.layout(model)) === layoutFileTag(open.layout)) {
      // Re-check the index in use from scratch (saved first, so nothing in memory is lost).
      await open.index.save();
      const report = open.index.verify(this.options.embeddings.source(model), { full: true });
      if (report.action !== 'ok') await open.index.save();
      open.check = checkLine(report.action, report.reason, open.layout);
      return open.check;
    }
    // Not open yet, or the library crossed the large-library size since: open (or build) the index its size calls for.
    // The one in use keeps answering searches until the new one is registered.
    const pending = this.openIndex(model, clip, true).finally(() => this.opening.delete(key));
    this.opening.set(key, pending);
    await pending;
    return this.current(model)!.check!;
  }

  /** Saves every open index. */
  async close(): Promise<void> {
    for (const entry of this.indexes.values()) await entry.index.save();
  }
}
