import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClipModel } from '../engine/clip/clip-model';

interface Index {
  dim: number;
  /** "<path>|<size>|<mtime>" → row in vectors.f32. */
  rows: Record<string, number>;
}

/**
 * Image embeddings of evaluation sets, kept between runs per CLIP model (keyed by the vision model file's path, size and
 * time) and per image file (path, size, time). Vectors are appended before the index names them, so a run killed
 * mid-write loses at most its own new rows.
 */
export class EmbeddingCache {
  private constructor(
    private readonly dir: string,
    private index: Index,
    private vectors: Float32Array,
    private pending: Float32Array[] = [],
  ) {}

  static async open(root: string, clip: ClipModel): Promise<EmbeddingCache> {
    const info = await stat(clip.visionFile);
    const key = createHash('sha256').update(`${clip.visionFile}|${info.size}|${info.mtimeMs}`).digest('hex').slice(0, 16);
    const dir = join(root, key);
    await mkdir(dir, { recursive: true });
    let index: Index = { dim: 0, rows: {} };
    let vectors = new Float32Array(0);
    try {
      index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as Index;
      const bytes = await readFile(join(dir, 'vectors.f32'));
      vectors = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
      const complete = index.dim ? Math.floor(vectors.length / index.dim) : 0;
      index.rows = Object.fromEntries(Object.entries(index.rows).filter(([, row]) => row < complete));
    } catch {
      index = { dim: 0, rows: {} };
      if (existsSync(join(dir, 'vectors.f32'))) await writeFile(join(dir, 'vectors.f32'), new Uint8Array(0));
    }
    return new EmbeddingCache(dir, index, vectors);
  }

  private static async keyOf(path: string): Promise<string> {
    const info = await stat(path);
    return `${path}|${info.size}|${Math.round(info.mtimeMs)}`;
  }

  /** Embeddings for the files (encoding only those not cached); an unreadable image gets a zero vector and a warning. */
  async embed(clip: ClipModel, paths: string[], onProgress?: (done: number, total: number) => void, warn?: (line: string) => void): Promise<Float32Array[]> {
    const keys = await Promise.all(paths.map((p) => EmbeddingCache.keyOf(p)));
    const out: (Float32Array | null)[] = keys.map((k) => this.lookUp(k));
    const todo = out.flatMap((v, i) => (v ? [] : [i]));
    let done = paths.length - todo.length;
    onProgress?.(done, paths.length);
    for (let start = 0; start < todo.length; start += 64) {
      const slice = todo.slice(start, start + 64);
      const results = await clip.encodeImages(slice.map((i) => paths[i]!));
      results.forEach((r, k) => {
        const i = slice[k]!;
        if (r.ok) {
          out[i] = r.embedding;
          this.add(keys[i]!, r.embedding);
        } else {
          warn?.(`${paths[i]}: ${r.error.message} (scored as a blank image)`);
        }
      });
      done += slice.length;
      onProgress?.(done, paths.length);
      await this.save();
    }
    const dim = out.find((v) => v)?.length ?? 0;
    return out.map((v) => v ?? new Float32Array(dim));
  }

  private lookUp(key: string): Float32Array | null {
    const row = this.index.rows[key];
    if (row === undefined) return null;
    return this.vectors.slice(row * this.index.dim, (row + 1) * this.index.dim);
  }

  private add(key: string, vector: Float32Array): void {
    if (this.index.dim === 0) this.index.dim = vector.length;
    if (vector.length !== this.index.dim) return;
    const row = this.vectors.length / this.index.dim + this.pending.length;
    this.pending.push(vector);
    this.index.rows[key] = row;
  }

  async save(): Promise<void> {
    if (this.pending.length === 0) return;
    const fresh = new Float32Array(this.pending.length * this.index.dim);
    this.pending.forEach((v, i) => fresh.set(v, i * this.index.dim));
    await appendFile(join(this.dir, 'vectors.f32'), new Uint8Array(fresh.buffer));
    const all = new Float32Array(this.vectors.length + fresh.length);
    all.set(this.vectors);
    all.set(fresh, this.vectors.length);
    this.vectors = all;
    this.pending = [];
    const temp = join(this.dir, `index.json.${process.pid}.tmp`);
    await writeFile(temp, JSON.stringify(this.index));
    await rename(temp, join(this.dir, 'index.json'));
  }

  get size(): number {
    return Object.keys(this.index.rows).length;
  }
}
