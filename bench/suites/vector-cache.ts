import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import usearch from 'usearch';
import type { Index, ScalarKind } from 'usearch';
import { tempNameFor } from '../../src-main/engine/storage/atomic-write';

/** What an HNSW index is built with; with the data's count, dimension and seed it names the cached file. */
export interface BuildParams {
  quantization: 'f32' | 'f16' | 'i8';
  connectivity: number;
  expansionAdd: number;
}

export interface CachedBuild {
  file: string;
  /** Seconds the build took when it was made (this run or an earlier one). */
  buildSeconds: number;
  cached: boolean;
}

/** Bump when the vector generator changes, so old caches are never measured against new data. */
const DATA_VERSION = 'clustered-v1';

export const buildLabel = (p: BuildParams) => `${p.quantization} M${p.connectivity} ef_add ${p.expansionAdd}`;

export function newIndex(dim: number, p: BuildParams, expansionSearch: number): Index {
  return new usearch.Index({
    dimensions: dim,
    metric: usearch.MetricKind.Cos,
    quantization: p.quantization as ScalarKind,
    connectivity: p.connectivity,
    expansion_add: p.expansionAdd,
    expansion_search: expansionSearch,
    multi: false,
  });
}

/**
 * Builds an index once and keeps it in `dir` (git-ignored models/fixtures-large/), keyed by every build parameter and
 * the data (count, dimension, seed, generator version), so a rerun only measures searches. The index and its sidecar
 * (build time) are written to temp names and renamed, index last: a run killed half-way leaves no file that is used.
 */
export async function cachedBuild(
  dir: string,
  data: { vectors: () => Float32Array; count: number; dim: number; seed: number },
  p: BuildParams,
  threads: number,
  log: (l: string) => void,
): Promise<CachedBuild> {
  const name = `${DATA_VERSION}-n${data.count}-d${data.dim}-seed${data.seed}-${p.quantization}-M${p.connectivity}-ea${p.expansionAdd}`;
  const file = join(dir, `${name}.usearch`);
  const meta = join(dir, `${name}.json`);
  if (existsSync(file) && existsSync(meta)) {
    try {
      const { buildSeconds } = JSON.parse(await readFile(meta, 'utf8')) as { buildSeconds: number };
      const probe = newIndex(data.dim, p, 16);
      probe.view(file);
      if (Number(probe.size()) === data.count) return { file, buildSeconds, cached: true };
      log(`bench: cached ${name} holds ${probe.size()} vectors, not ${data.count}; rebuilding`);
    } catch (error) {
      log(`bench: cached ${name} unreadable (${(error as Error).message}); rebuilding`);
    }
  }
  await mkdir(dir, { recursive: true });
  await rm(file, { force: true });
  const index = newIndex(data.dim, p, 16);
  const keys = BigUint64Array.from({ length: data.count }, (_, i) => BigInt(i));
  log(`bench: building ${buildLabel(p)} over ${data.count} vectors (${threads} threads)`);
  const started = performance.now();
  index.add(keys, data.vectors(), threads);
  const buildSeconds = (performance.now() - started) / 1000;
  const tempMeta = tempNameFor(meta);
  await writeFile(tempMeta, JSON.stringify({ buildSeconds, threads, builtAt: new Date().toISOString() }));
  await rename(tempMeta, meta);
  const temp = tempNameFor(file);
  index.save(temp);
  await rename(temp, file);
  log(`bench: built ${buildLabel(p)} in ${Math.round(buildSeconds)} s → ${file}`);
  return { file, buildSeconds, cached: false };
}
