import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsStore } from './settings-store';

describe('SettingsStore', () => {
  it('starts from defaults and persists updates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-settings-'));
    const store = await SettingsStore.open(dir);
    expect(store.get()).toEqual({ modelsDir: null, modelMirror: null, vectorPrecision: 'f16', clipModel: null, composer: 'sum', modelVariants: {}, firstRunDone: false, onlineMapTiles: false });
    await store.update({ modelsDir: '/mnt/models' });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({ modelsDir: '/mnt/models', modelMirror: null, vectorPrecision: 'f16', clipModel: null, composer: 'sum', modelVariants: {}, firstRunDone: false, onlineMapTiles: false });
    expect((await SettingsStore.open(dir)).get().modelsDir).toBe('/mnt/models');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects invalid values and keeps the old ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-settings-'));
    const store = await SettingsStore.open(dir);
    await expect(store.update({ modelMirror: 'ftp://nope' })).rejects.toThrow();
    expect(store.get().modelMirror).toBeNull();
  });

  it('sets a damaged file aside instead of losing or trusting it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-settings-'));
    await writeFile(join(dir, 'settings.json'), '{"modelsDir": 42');
    const store = await SettingsStore.open(dir);
    expect(store.get()).toEqual({ modelsDir: null, modelMirror: null, vectorPrecision: 'f16', clipModel: null, composer: 'sum', modelVariants: {}, firstRunDone: false, onlineMapTiles: false });
    expect(store.problem).toMatch(/moved to .*settings\.json\.damaged-/);
    expect((await readdir(dir)).some((f) => f.startsWith('settings.json.damaged-'))).toBe(true);
  });

  it('survives 20 concurrent updates: all succeed, memory and disk agree, nothing is left behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-settings-'));
    const store = await SettingsStore.open(dir);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.update(i % 2 ? { modelsDir: `/mnt/models-${i}` } : { vectorPrecision: i % 4 ? 'f32' : 'i8' })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const onDisk = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'));
    expect(onDisk).toEqual(store.get());
    expect(onDisk).toMatchObject({ modelsDir: '/mnt/models-19', vectorPrecision: 'f32' });
    expect((await SettingsStore.open(dir)).get()).toEqual(store.get());
    expect((await readdir(dir)).sort()).toEqual(['settings.json']);
  });

  it('a failed write is an IO_ERROR naming the folder, and memory keeps the old value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-settings-'));
    const store = await SettingsStore.open(dir);
    await mkdir(join(dir, 'settings.json'));
    await expect(store.update({ modelsDir: '/mnt/x' })).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining(`Cannot write to ${dir}`) });
    expect(store.get().modelsDir).toBeNull();
  });
});
