import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from '@playwright/test';
import { fixturePaths } from '../models/fixtures';

/** The command line as a user runs it (a real process): composed search and the evaluation harness. */
test.describe('command line: composed search and eval', () => {
  test('search --image --text --negative --mask --composer, and eval for the three formats', async () => {
    test.setTimeout(120_000);
    const scratch = await mkdtemp(join(tmpdir(), 'studio-cli-compose-'));
    const paths = fixturePaths();
    await mkdir(join(scratch, 'models'), { recursive: true });
    await cp(paths.sceneClip, join(scratch, 'models', 'clip-vit-b32'), { recursive: true });
    for (const [id, folder] of Object.entries(paths.composers)) await cp(folder, join(scratch, 'models', `composer-${id}`), { recursive: true });
    await cp(paths.world, join(scratch, 'photos'), { recursive: true });
    const env = { ...process.env, STUDIO_MODELS_DIR: join(scratch, 'models') };
    const run = (...args: string[]) => spawnSync(process.execPath, ['out/main/cli.js', ...args, '--data-dir', join(scratch, 'data')], { env, encoding: 'utf8' });
    const json = (...args: string[]) => {
      const r = run(...args, '--json');
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    expect(run('index', join(scratch, 'photos')).status).toBe(0);

    const ref = join(scratch, 'photos', 'red-square-0.png');
    const composed = json('search', '--image', ref, '--text', 'as a circle', '--negative', 'blue', '--limit', '5');
    expect(composed.composer).toBe('sum');
    expect(composed.items[0].path).toMatch(/red-circle-\d\.png$/);
    expect(composed.items.map((i: { path: string }) => i.path)).not.toContain(ref);

    const ordered = json('search', '--image', ref, '--text', 'green', '--text', 'yellow', '--composer', 'gated', '--limit', '3');
    expect(ordered.items[0].path).toMatch(/yellow-square-\d\.png$/);

    const mask = join(scratch, 'mask.png');
    await writeFile(mask, await sharp({ create: { width: 300, height: 240, channels: 3, background: '#000' } }).composite([{ input: { create: { width: 120, height: 120, channels: 3, background: '#fff' } }, left: 90, top: 60 }]).png().toBuffer());
    const masked = json('search', '--image', ref, '--mask', mask, '--text', 'a circle', '--composer', 'compodiff', '--steps', '5', '--wi', '1.5', '--wt', '1.5');
    expect(masked).toMatchObject({ composer: 'compodiff', weights: { image: 1.5, text: 1.5 } });
    expect(masked.items.length).toBeGreaterThan(0);

    const missing = run('search', '--image', join(scratch, 'nope.png'), '--text', 'red');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/NOT_FOUND: Cannot read .*nope\.png/);

    const cirr = json('eval', 'cirr', '--data', paths.eval.cirr, '--composer', 'sum,gated');
    const r1 = (name: string) => cirr.methods.find((m: { name: string }) => m.name === name).metrics['R@1'];
    expect(r1('sum')).toBeGreaterThan(r1('text only'));
    expect(r1('sum')).toBeGreaterThan(r1('image only'));
    const out = join(scratch, 'eval-out');
    for (const dataset of ['fashioniq', 'pervl']) {
      const r = run('eval', dataset, '--data', paths.eval[dataset as 'pervl'], '--out', out);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^### /);
      expect(r.stdout).toMatch(/\| text only/);
    }
    const bad = run('eval', 'cirr', '--data', join(scratch, 'photos'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/No cap\.rc2\.val\.json/);
    await rm(scratch, { recursive: true, force: true });
  });
});
