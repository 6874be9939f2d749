import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write';
import { sweepTempFiles } from './temp-sweep';

describe('writeFileAtomic', () => {
  it('keeps 50 concurrent writers of one file from mixing: the last call wins, no temp file stays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-atomic-'));
    const file = join(dir, 'a.json');
    await Promise.all(Array.from({ length: 50 }, (_, i) => writeFileAtomic(file, JSON.stringify({ i, pad: 'x'.repeat(i * 1000) }))));
    expect(JSON.parse(await readFile(file, 'utf8')).i).toBe(49);
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('writes private files (0600) and cleans its temp file up when the write fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-atomic-'));
    await writeFileAtomic(join(dir, 'a'), 'x');
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o600);
    // Renaming a file over a folder fails after the temp file was written.
    await writeFile(join(dir, 'placeholder'), '');
    await mkdir(join(dir, 'folder'));
    await expect(writeFileAtomic(join(dir, 'folder'), 'x')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['a', 'folder', 'placeholder']);
  });
});

describe('sweepTempFiles', () => {
  it('removes temp files of dead writers and old ones, and leaves a live writer’s and other files alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-sweep-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await mkdir(join(dir, 'cache', 'ab'), { recursive: true });
    const files = {
      deadWriter: join(dir, 'cache', 'ab', `x.webp.${dead}.0a1b2c3d4e5f.tmp`),
      legacy: join(dir, `settings.json.${dead}.tmp`),
      liveWriter: join(dir, `settings.json.${process.pid}.aaaaaaaaaaaa.tmp`),
      oldLive: join(dir, `old.${process.pid}.bbbbbbbbbbbb.tmp`),
      keep: join(dir, 'settings.json'),
    };
    for (const f of Object.values(files)) await writeFile(f, 'x');
    const old = new Date(Date.now() - 2 * 24 * 3600_000);
    await utimes(files.oldLive, old, old);
    const removed = await sweepTempFiles(dir);
    expect(removed.sort()).toEqual([files.deadWriter, files.legacy, files.oldLive].sort());
    expect((await readdir(dir)).sort()).toEqual(['cache', `settings.json`, `settings.json.${process.pid}.aaaaaaaaaaaa.tmp`].sort());
  });
});
