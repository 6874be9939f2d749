export type Quantization = 'f32' | 'f16' | 'i8';

/** How a vector index is built and searched. */
export interface IndexLayout {
  quantization: Quantization;
  connectivity: number;
  expansion_add: number;
  expansion_search: number;
  /** Candidates the graph returns and that are re-scored exactly against the stored f32 vectors; 0: the graph's own scores. */
  rescore: number;
}

/**
 * HNSW graph settings of the f32/f16 indexes, shared with the benchmark so it measures what the library runs.
 * expansion_search 256: at a million 512-d vectors (2 quiet cores) f16 finds 95.6 % of the true top ten at p95 4.4 ms
 * (192: 94.9 % at 3.6 ms); smaller libraries are exact at any of these.
 */
export const HNSW_SETTINGS = { connectivity: 16, expansion_add: 64, expansion_search: 256, multi: false } as const;

/**
 * Very large libraries search an i8 graph (56 % of f16's bytes per vector, cheaper distances) for `rescore` candidates
 * and rank those exactly by their stored f32 vectors, which fixes the order i8 alone gets wrong and recovers most of its
 * lost recall (plain i8: 0.85 at a million). Measured at a million 512-d vectors on 2 quiet cores (2026-12-01, bench
 * `vectors`): f16 at expansion_search 256 gave recall@10 0.956 at p95 4.4 ms; i8 with the top 40 re-scored 0.953 at
 * p95 4.9 ms plus 0.4–0.7 ms to read the candidates from SQLite. So f16 stays the default at that size, and i8 is the
 * memory saver — chosen in settings, or past `LARGE_LIBRARY` vectors, where the f16 graph alone needs 2.3 GB of memory.
 * expansion_search and rescore are search-time settings (no rebuild). bench/README.md has the grid.
 */
export const LARGE_LIBRARY_LAYOUT: IndexLayout = { quantization: 'i8', connectivity: 16, expansion_add: 64, expansion_search: 256, rescore: 40 };

/** From this many vectors on, the f16 setting (the default) uses the large-library layout (see above). */
export const LARGE_LIBRARY = 2_000_000;

/** The plain layout of a quantization: the graph's scores, no re-scoring. */
export function plainLayout(quantization: Quantization): IndexLayout {
  return { quantization, connectivity: HNSW_SETTINGS.connectivity, expansion_add: HNSW_SETTINGS.expansion_add, expansion_search: HNSW_SETTINGS.expansion_search, rescore: 0 };
}

/**
 * The layout a library of `count` vectors uses for the precision in settings. f32 is taken literally (whoever picks it
 * pays the memory for full precision); i8 always re-scores, since the exact order costs a few reads; f16, the default,
 * keeps an f16 graph for small libraries (exact enough, no reads) and switches to i8 with re-scoring at `largeFrom`.
 */
export function layoutFor(precision: Quantization, count: number, largeFrom = LARGE_LIBRARY): IndexLayout {
  if (precision === 'i8' || (precision === 'f16' && count >= largeFrom)) return LARGE_LIBRARY_LAYOUT;
  return plainLayout(precision);
}

/** The part of an index file's name that says how it was built (old files, built with HNSW_SETTINGS, keep their names). */
export function layoutFileTag(layout: IndexLayout): string {
  const graph = layout.connectivity === HNSW_SETTINGS.connectivity ? '' : `.m${layout.connectivity}`;
  return `${layout.quantization}${graph}`;
}

/** Says a layout in words, for checks and logs. */
export function describeLayout(layout: IndexLayout): string {
  return `${layout.quantization} graph (M ${layout.connectivity}, expansion ${layout.expansion_search})${layout.rescore ? `, top ${layout.rescore} re-scored exactly` : ''}`;
}
