import { mkdtemp, readdir, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../models/scene-world/random';
import { clusteredVectors } from './synthetic-vectors';
import { cachedBuild, type BuildParams } from './vector-cache';
import { vectorGridFrom } from './vector-grid-options';
import { DEFAULT_GRID } from './vectors';

const count = 500;
const dim = 16;
const vectors = clusteredVectors(count, dim, 10, new Random(1)).data;
const data = { vectors: () => vectors, count, dim, seed: 1 };
const i8: BuildParams = { quantization: 'i8', connectivity: 8, expansionAdd: 32 };

describe('cached benchmark indexes', () => {
  it('builds once, then reuses the file; other parameters get their own file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-vcache-'));
    const first = await cachedBuild(dir, data, i8, 1, () => {});
    expect(first.cached).toBe(false);
    const again = await cachedBuild(dir, data, i8, 1, () => {});
    expect(again).toEqual({ ...first, cached: true });
    const other = await cachedBuild(dir, data, { ...i8, connectivity: 12 }, 1, () => {});
    expect(other.file).not.toBe(first.file);
    expect(other.file).toMatch(/i8-M12-ea32\.usearch$/);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('never measures a half-written file: a truncated index is rebuilt, a leftover temp file is ignored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-vcache-'));
    const built = await cachedBuild(dir, data, i8, 1, () => {});
    // A killed run leaves its temp file behind (the real name is only renamed into place when complete).
    await writeFile(`${built.file}.123.abc.tmp`, 'partial');
    expect((await cachedBuild(dir, data, i8, 1, () => {})).cached).toBe(true);
    await truncate(built.file, 100);
    const lines: string[] = [];
    const rebuilt = await cachedBuild(dir, data, i8, 1, (l) => lines.push(l));
    expect(rebuilt.cached).toBe(false);
    expect(lines.join('\n')).toMatch(/unreadable|holds/);
    expect((await cachedBuild(dir, data, i8, 1, () => {})).cached).toBe(true);
  });
});

describe('vector grid options', () => {
  it('keeps the library layouts without options and crosses the lists it is given', () => {
    expect(vectorGridFrom({})).toEqual(DEFAULT_GRID);
    const grid = vectorGridFrom({ quantizations: 'f16', connectivity: '8,24', 'expansion-add': '64', ef: '64,128', rescore: '20' });
    expect(grid.plain).toEqual([
      { quantization: 'f16', connectivity: 8, expansionAdd: 64 },
      { quantization: 'f16', connectivity: 24, expansionAdd: 64 },
    ]);
    expect(grid.rescored.map((b) => `${b.quantization}-${b.connectivity}`)).toEqual(['i8-8', 'i8-24']);
    expect(grid).toMatchObject({ efs: [64, 128], rescore: [20] });
    expect(() => vectorGridFrom({ ef: '64,x' })).toThrow(/--ef: "x"/);
    expect(() => vectorGridFrom({ quantizations: 'f8' })).toThrow(/--quantizations: "f8"/);
  });
});
