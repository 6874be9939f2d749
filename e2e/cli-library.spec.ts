import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from '@playwright/test';
import { fixturePaths } from '../models/fixtures';
import { taggedJpeg } from '../models/tagged-photo';

/** The command line as a user runs it: a photo's stored metadata, tagging, and a full-size edit. */
test.describe('command line: item, tag and a full-size edit', () => {
  test('item PATH --json prints what the library keeps; tag PATH --add WORD tags it; edit --out writes the original size', async () => {
    test.setTimeout(120_000);
    const scratch = await mkdtemp(join(tmpdir(), 'studio-cli-library-'));
    const paths = fixturePaths();
    await mkdir(join(scratch, 'photos'), { recursive: true });
    await mkdir(join(scratch, 'models'), { recursive: true });
    await cp(paths.sd.instruct, join(scratch, 'models', 'sd15-instruct-pix2pix'), { recursive: true });
    await writeFile(join(scratch, 'photos', 'harbour.jpg'), await taggedJpeg());
    const big = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#c33' } }).jpeg().toBuffer();
    await writeFile(join(scratch, 'big.jpg'), big);
    const env = { ...process.env, STUDIO_MODELS_DIR: join(scratch, 'models') };
    const run = (...args: string[]) => spawnSync(process.execPath, ['out/main/cli.js', ...args, '--data-dir', join(scratch, 'data')], { env, encoding: 'utf8', cwd: process.cwd() });
    const json = (...args: string[]) => {
      const r = run(...args, '--json');
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    expect(run('index', join(scratch, 'photos')).status).toBe(0);
    const photo = join(scratch, 'photos', 'harbour.jpg');

    const item = json('item', photo);
    expect(item).toMatchObject({
      path: photo,
      width: 96,
      height: 64,
      camera: 'Nokia 2 N9',
      lens: 'Carl Zeiss Tessar',
      exposure: { iso: 200, aperture: 2.8, shutter: 0.004, focalLength: 35 },
      title: 'Harbour at dawn',
      tags: ['boats', 'client-x'],
      rating: 0,
      flag: 'none',
    });
    expect(item.gps.lat).toBeCloseTo(48.8582, 3);
    expect(item.takenAt).toBe(new Date('2024-05-06T07:08:09').getTime());
    const text = run('item', photo);
    expect(text.stdout).toContain('ISO 200 · f/2.8 · 1/250 s · 35 mm');
    expect(text.stdout).toContain('48.85823° N, 2.29450° E');

    expect(json('tag', photo, '--add', 'Print-Ready', '--add', 'cover', '--remove', 'boats').tags).toEqual(['client-x', 'cover', 'print-ready']);
    expect(json('item', photo).tags).toEqual(['client-x', 'cover', 'print-ready']);
    const missing = run('item', join(scratch, 'nowhere.jpg'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('is not in the library');

    const out = join(scratch, 'edited.jpg');
    const edit = json('edit', '--image', join(scratch, 'big.jpg'), '--instruction', 'make it blue', '--steps', '2', '--out', out, '--quality', '85');
    expect(edit).toMatchObject({ out, width: 1200, height: 800 });
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1200, 800]);
    await rm(scratch, { recursive: true, force: true });
  });
});
