import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import usearch from 'usearch';
import type { BatchMatches, ScalarKind } from 'usearch';
import { clusteredVectors } from './synthetic-vectors';
import { Random } from '../../models/scene-world/random';
import { HNSW_SETTINGS } from '../../src-main/engine/vectors/vector-index';
import type { Sample } from '../measure';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * usearch (HNSW) vs. exact search on synthetic 512-d vectors: build time, memory per vector, latency, recall@10.
 * `efSweep`: search-effort values (expansion_search) to try on the f16 index, reopened from its file for each.
 */
export async function vectorSearch(
  log: (l: string) => void,
  count = 100_000,
  { quantizations = ['f32', 'f16', 'i8'] as const, efSweep = [] as number[] }: { quantizations?: readonly ('f32' | 'f16' | 'i8')[]; efSweep?: number[] } = {},
): Promise<{ samples: Sample[]; figures: Figure[] }> {
  const dim = 512;
  const rng = new Random(123);
  log(`bench: ${count} clustered ${dim}-d vectors`);
  const { data, centres } = clusteredVectors(count, dim, Math.max(10, Math.round(count / 50)), rng);
  const queries = 200;
  // Queries are new members of the same clusters: a new photo of a kind the library has.
  const q = clusteredVectors(queries, dim, centres.length / dim, rng, centres).data;
  const keys = BigUint64Array.from({ length: count }, (_, i) => BigInt(i));
  const truth = usearch.exactSearch(data, q, dim, 10, usearch.MetricKind.Cos) as BatchMatches;
  const truthSets = Array.from({ length: queries }, (_, i) => new Set(Array.from(truth.keys.slice(i * 10, i * 10 + 10), Number)));

  const samples: Sample[] = [];
  const figures: Figure[] = [];
  const latency = (label: string, search: (i: number) => void) => {
    const times: number[] = [];
    for (let i = 0; i < queries; i++) {
      const t = performance.now();
      search(i);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const p = (x: number) => round(times[Math.min(times.length - 1, Math.ceil(x * times.length) - 1)]!, 3);
    samples.push({ suite: `vector search k=10, ${count / 1000}k × ${dim}-d`, variant: label, iterations: queries, opsPerSec: Math.round(1000 / (times.reduce((a, b) => a + b) / queries)), itemsPerSec: 0, p50Ms: p(0.5), p95Ms: p(0.95), meanMs: round(times.reduce((a, b) => a + b) / queries, 3) });
  };
  latency('exact (brute force, usearch.exactSearch)', (i) => usearch.exactSearch(data, q.subarray(i * dim, (i + 1) * dim), dim, 10, usearch.MetricKind.Cos));

  const dir = await mkdtemp(join(tmpdir(), 'studio-bench-vec-'));
  for (const quantization of quantizations) {
    // The same settings as the library's VectorIndex.
    const index = new usearch.Index({ dimensions: dim, metric: usearch.MetricKind.Cos, quantization: quantization as ScalarKind, ...HNSW_SETTINGS });
    const t = performance.now();
    index.add(keys, data, 2);
    const buildSeconds = (performance.now() - t) / 1000;
    let hits = 0;
    latency(`usearch HNSW ${quantization}`, (i) => {
      const m = index.search(q.subarray(i * dim, (i + 1) * dim), 10, 1);
      for (const k of m.keys) if (truthSets[i]!.has(Number(k))) hits++;
    });
    const file = join(dir, `${quantization}.usearch`);
    index.save(file);
    const bytes = (await stat(file)).size;
    figures.push(
      { name: `usearch ${quantization}: recall@10 vs exact (${count / 1000}k)`, value: round(hits / (queries * 10), 3), unit: '', target: '≥ 0.95' },
      { name: `usearch ${quantization}: build time (${count / 1000}k, 2 threads)`, value: round(buildSeconds), unit: 's' },
      { name: `usearch ${quantization}: bytes per vector on disk`, value: Math.round(bytes / count), unit: 'B' },
    );
    log(`bench: usearch ${quantization} built in ${round(buildSeconds)} s`);
    if (quantization !== 'f16') continue;
    for (const ef of efSweep) {
      const reopened = new usearch.Index({ dimensions: dim, metric: usearch.MetricKind.Cos, quantization: quantization as ScalarKind, ...HNSW_SETTINGS, expansion_search: ef });
      reopened.view(file);
      let found = 0;
      latency(`usearch HNSW f16, expansion_search ${ef}`, (i) => {
        const m = reopened.search(q.subarray(i * dim, (i + 1) * dim), 10, 1);
        for (const k of m.keys) if (truthSets[i]!.has(Number(k))) found++;
      });
      figures.push({ name: `usearch f16, expansion_search ${ef}: recall@10 vs exact (${count / 1000}k)`, value: round(found / (queries * 10), 3), unit: '', target: '≥ 0.95' });
    }
  }
  await rm(dir, { recursive: true, force: true });
  return { samples, figures };
}
