import { existsSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllowRoots } from './config/confinement';
import { startEngine } from './app-services';

const temp = () => mkdtemp(join(tmpdir(), 'studio-engine-'));

describe('Engine in server mode (confined)', () => {
  it('adds library folders only inside the allowed roots, judged by real path', async () => {
    const allowed = await temp();
    await mkdir(join(allowed, 'photos'));
    symlinkSync('/etc', join(allowed, 'etc-link'));
    const engine = await startEngine({ dataDir: await temp(), host: 'server', confinement: { allowRoots: parseAllowRoots(allowed), allowRemoteSettings: false } });
    expect(engine.library.addRoot(join(allowed, 'photos')).root.path).toBe(join(allowed, 'photos'));
    for (const outside of ['/etc', join(allowed, 'etc-link'), join(allowed, 'photos', '..', '..')]) {
      expect(() => engine.library.addRoot(outside)).toThrowError(expect.objectContaining({ code: 'INVALID_PARAMS', message: expect.stringContaining('outside the folders this studio may read') }));
    }
    expect(engine.library.listRoots()).toHaveLength(1);
    await engine.close();
  });

  it('refuses models folder and mirror changes over the wire unless --allow-remote-settings', async () => {
    const dataDir = await temp();
    const elsewhere = join(await temp(), 'anywhere');
    const engine = await startEngine({ dataDir, host: 'server', confinement: { allowRoots: parseAllowRoots(dataDir), allowRemoteSettings: false } });
    expect(engine.settings.view().lockedBy.modelsDir).toMatch(/server mode/);
    await expect(engine.settings.update({ modelsDir: elsewhere })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('--allow-remote-settings') });
    await expect(engine.settings.update({ modelMirror: 'https://mirror.example' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(existsSync(elsewhere)).toBe(false);
    await engine.settings.update({ vectorPrecision: 'f32' }); // other settings still change
    await engine.close();
    const open = await startEngine({ dataDir, host: 'server', confinement: { allowRoots: parseAllowRoots(dataDir), allowRemoteSettings: true } });
    expect((await open.settings.update({ modelsDir: elsewhere })).effective.modelsDir).toBe(elsewhere);
    await open.close();
  });

  it('defaults --allow-roots to the home folder and refuses folders that do not exist', () => {
    expect(parseAllowRoots(undefined, tmpdir())).toHaveLength(1);
    expect(() => parseAllowRoots('/no/such/folder')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('Engine data folder', () => {
  it('is created private (0700) and a database inside it 0600', async () => {
    const dataDir = join(await temp(), 'fresh');
    const engine = await startEngine({ dataDir, host: 'cli' });
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'library', 'library.db'))).mode & 0o777).toBe(0o600);
    await engine.close();
  });

  it('sweeps temp files left by a writer killed mid-write, at start', async () => {
    const dataDir = await temp();
    await mkdir(join(dataDir, 'cache', 'thumbs', 'ab'), { recursive: true });
    // pid 2^22+1 is above Linux's pid_max default, so no live process has it.
    await writeFile(join(dataDir, 'settings.json.4194305.tmp'), '{');
    await writeFile(join(dataDir, 'cache', 'thumbs', 'ab', 'x.webp.4194305.0a1b2c3d4e5f.tmp'), 'half');
    const engine = await startEngine({ dataDir, host: 'cli' });
    await engine.close(); // waits for the background sweep
    expect((await readdir(dataDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await readdir(join(dataDir, 'cache', 'thumbs', 'ab'))).toEqual([]);
  });
});
