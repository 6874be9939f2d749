import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fixturePaths } from '../models/fixtures';

/** Albums from the command line: by name, photos by path; deleting one keeps the photos. */
test('albums create / add / remove / rename / delete from the command line', async () => {
  test.setTimeout(60_000);
  const scratch = await mkdtemp(join(tmpdir(), 'studio-cli-albums-'));
  const photos = join(scratch, 'photos');
  await mkdir(photos);
  const names = ['red-circle-0.png', 'blue-square-0.png', 'green-triangle-0.png'];
  for (const name of names) await copyFile(join(fixturePaths().world, name), join(photos, name));
  const run = (...args: string[]) => spawnSync(process.execPath, ['out/main/cli.js', ...args, '--data-dir', join(scratch, 'data'), '--models-dir', join(scratch, 'models')], { encoding: 'utf8' });
  const json = (...args: string[]) => {
    const r = run(...args, '--json');
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  expect(run('index', photos).status).toBe(0);
  const [a, b, c] = names.map((n) => join(photos, n));

  expect(json('albums', 'create', 'Moodboard', a!, b!)).toMatchObject({ name: 'Moodboard', count: 2 });
  expect(json('albums', 'add', 'moodboard', c!)).toMatchObject({ count: 3 });
  expect(json('albums', 'remove', 'Moodboard', a!)).toMatchObject({ count: 2 });
  expect(run('albums', 'rename', 'Moodboard', 'Client X').stdout).toContain('Renamed to Client X.');
  expect(run('albums', 'list').stdout).toContain('Client X (2 photos)');

  const taken = run('albums', 'create', 'client x');
  expect(taken.status).not.toBe(0);
  expect(taken.stderr).toContain('already an album named');
  const missing = run('albums', 'add', 'Nope', a!);
  expect(missing.status).not.toBe(0);
  expect(missing.stderr).toContain('No album named “Nope”');

  expect(run('albums', 'delete', 'Client X').stdout).toContain('its photos stay in the library');
  expect(json('albums', 'list')).toEqual([]);
  expect(json('item', b!)).toMatchObject({ path: b, status: 'indexed' });
});
