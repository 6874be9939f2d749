import { join } from 'node:path';
import type { ClipModel } from '../clip/clip-model';
import type { EmbeddingsRepository } from '../storage/library/embeddings-repository';
import { phaseDone } from '../shared/phase-timings';
import { VectorIndex, type Quantization } from '../vectors/vector-index';

/** Makes the index object for a file (tests pass one that counts openings). */
export type OpenVectorIndex = (file: string, dim: number, precision: Quantization) => VectorIndex;

export interface VectorIndexesOptions {
  /** Where vector indexes are saved (one file per model and precision). */
  vectorsDir: string;
  embeddings: EmbeddingsRepository;
  /** How vectors are stored in the search index (default f32). */
  precision?: () => Quantization;
  open?: OpenVectorIndex;
}

interface OpenIndex {
  model: string;
  precision: Quantization;
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

  private async openIndex(model: string, clip: ClipModel | null, full: boolean): Promise<VectorIndex> {
    const precision = this.precision();
    const dim = this.options.embeddings.dim(model) ?? (clip ? (await clip.encodeTexts(['']))[0]!.length : 0);
    const file = join(this.options.vectorsDir, `${model}.${precision}.usearch`);
    const index = this.options.open ? this.options.open(file, dim, precision) : new VectorIndex(file, dim, precision);
    const report = index.verify(this.options.embeddings.source(model), { full });
    if (report.action !== 'ok') await index.save();
    phaseDone(`vector index open + ${full ? 'full' : 'quick'} check (${report.action})`);
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

  /** Checks every key of a model's index against the database now, repairs it, and says what was found. */
  async verify(model: string, clip: ClipModel | null): Promise<string> {
    const inFlight = this.opening.get(`${model}.${this.precision()}`);
    if (inFlight) await inFlight;
    const open = this.current(model);
    if (open) {
      // Re-check the index in use from scratch (saved first, so nothing in memory is lost).
      await open.index.save();
      const report = open.index.verify(this.options.embeddings.source(model), { full: true });
      if (report.action !== 'ok') await open.index.save();
      open.check = `${report.action}: ${report.reason}`;
      return open.check;
    }
    await this.get(model, clip, true);
    return this.current(model)!.check!;
  }

  /** Saves every open index. */
  async close(): Promise<void> {
    for (const entry of this.indexes.values()) await entry.index.save();
  }
}
