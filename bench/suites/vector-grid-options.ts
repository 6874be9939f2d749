import type { BuildParams } from './vector-cache';
import { DEFAULT_GRID, type VectorGrid } from './vectors';

/** `npm run bench -- --only vectors` options that turn the default two layouts into a grid (comma-separated lists). */
export const VECTOR_GRID_OPTIONS = {
  /** expansion_search values. */
  ef: { type: 'string' },
  /** Plain (not re-scored) quantizations, e.g. f32,f16. */
  quantizations: { type: 'string' },
  /** Re-scored quantizations, e.g. i8. */
  'rescored-quantizations': { type: 'string' },
  /** Connectivity M values. */
  connectivity: { type: 'string' },
  'expansion-add': { type: 'string' },
  /** Candidates re-scored exactly (C). */
  rescore: { type: 'string' },
} as const;

const list = (value: string | boolean | undefined) => (typeof value === 'string' && value ? value.split(',').map((v) => v.trim()) : undefined);
const numbers = (value: string | boolean | undefined, flag: string) =>
  list(value)?.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag}: "${v}" is not a positive integer`);
    return n;
  });
const kinds = (value: string | boolean | undefined, flag: string) =>
  list(value)?.map((v) => {
    if (v !== 'f32' && v !== 'f16' && v !== 'i8') throw new Error(`--${flag}: "${v}" is not f32, f16 or i8`);
    return v;
  });

/** The grid the options ask for; any option left out keeps the default grid's values. */
export function vectorGridFrom(values: Record<string, string | boolean | undefined>): VectorGrid {
  const ms = numbers(values.connectivity, 'connectivity');
  const eas = numbers(values['expansion-add'], 'expansion-add');
  const builds = (quantizations: ('f32' | 'f16' | 'i8')[] | undefined, defaults: BuildParams[]): BuildParams[] => {
    if (!quantizations && !ms && !eas) return defaults;
    const out: BuildParams[] = [];
    for (const quantization of quantizations ?? [...new Set(defaults.map((d) => d.quantization))])
      for (const connectivity of ms ?? [defaults[0]?.connectivity ?? 16])
        for (const expansionAdd of eas ?? [defaults[0]?.expansionAdd ?? 64]) out.push({ quantization, connectivity, expansionAdd });
    return out;
  };
  return {
    plain: builds(kinds(values.quantizations, 'quantizations'), DEFAULT_GRID.plain),
    rescored: builds(kinds(values['rescored-quantizations'], 'rescored-quantizations'), DEFAULT_GRID.rescored),
    efs: numbers(values.ef, 'ef') ?? DEFAULT_GRID.efs,
    rescore: numbers(values.rescore, 'rescore') ?? DEFAULT_GRID.rescore,
  };
}
