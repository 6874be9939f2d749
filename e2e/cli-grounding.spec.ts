import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from '@playwright/test';
import { fixturePaths } from '../models/fixtures';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The command line as a user runs it: generate from neighbours, edit --ground, replay both, a missing neighbour, eval grounding. */
test.describe('command line: grounded generation', () => {
  test('generate (auto and given neighbours), edit --ground, replay bit for bit, a missing neighbour named, eval grounding', async () => {
    test.setTimeout(120_000);
    const scratch = await mkdtemp(join(tmpdir(), 'studio-cli-grounding-'));
    const paths = fixturePaths();
    await mkdir(join(scratch, 'models'), { recursive: true });
    await cp(paths.sceneClip, join(scratch, 'models', 'clip-vit-b32'), { recursive: true });
    await cp(paths.sd.instruct, join(scratch, 'models', 'sd15-instruct-pix2pix'), { recursive: true });
    await mkdir(join(scratch, 'photos'));
    for (const f of ['blue-square-0.png', 'blue-circle-0.png', 'red-circle-0.png', 'green-triangle-0.png']) await cp(join(paths.world, f), join(scratch, 'photos', f));
    const env = { ...process.env, STUDIO_MODELS_DIR: join(scratch, 'models') };
    const run = (dataDir: string, ...args: string[]) => spawnSync(process.execPath, ['out/main/cli.js', ...args, '--data-dir', join(scratch, dataDir)], { env, encoding: 'utf8' });
    const json = (...args: string[]) => {
      const r = run('data', ...args, '--json');
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    expect(run('data', 'index', join(scratch, 'photos')).status).toBe(0);

    const out = join(scratch, 'auto.png');
    const recipe = join(scratch, 'auto.json');
    const auto = json('generate', 'a blue square', '--k', '2', '--eta', '0.25', '--steps', '8', '--seed', '3', '--width', '96', '--height', '64', '--out', out, '--recipe-out', recipe);
    expect(auto.schedule).toBe('TNNNTNNN');
    expect(auto.neighbours.map((n: { name: string }) => n.name)[0]).toBe('blue-square-0.png');
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([96, 64]);
    const replayed = json('replay', recipe, '--out', join(scratch, 'again.png'));
    expect(replayed).toMatchObject({ identical: true, schedule: 'TNNNTNNN' });
    expect(sha(await readFile(join(scratch, 'again.png')))).toBe(sha(await readFile(out)));

    // Given neighbours: a file outside the library; it is kept with the studio's dropped files, so replay finds it after it moves.
    const mine = join(scratch, 'mine.png');
    await writeFile(mine, await sharp({ create: { width: 80, height: 60, channels: 3, background: '#e0c020' } }).png().toBuffer());
    const given = json('generate', 'a thing', '--neighbors', `${mine},${join(scratch, 'photos', 'red-circle-0.png')}`, '--steps', '6', '--width', '64', '--height', '64', '--out', join(scratch, 'given.png'), '--recipe-out', join(scratch, 'given.json'));
    expect(given.neighbours.map((n: { source: string; name: string }) => [n.source, n.name])).toEqual([
      ['file', 'mine.png'],
      ['library', 'red-circle-0.png'],
    ]);
    await rm(mine);
    expect(json('replay', join(scratch, 'given.json'), '--out', join(scratch, 'given-again.png')).identical).toBe(true);

    // Replay in another studio (another data folder) that lacks the dropped file: it names the missing neighbour.
    const elsewhere = run('other', 'replay', join(scratch, 'given.json'), '--out', join(scratch, 'x.png'));
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toMatch(/NOT_FOUND: Neighbour 1, “mine\.png” .* is missing/);

    const photo = join(scratch, 'photo.png');
    await writeFile(photo, await sharp({ create: { width: 128, height: 128, channels: 3, background: '#30c050' } }).png().toBuffer());
    const edited = json('edit', '--image', photo, '--instruction', 'make it red', '--ground', 'auto', '--k', '1', '--steps', '6', '--out', join(scratch, 'edited.png'), '--recipe-out', join(scratch, 'edited.json'));
    expect(edited.schedule).toHaveLength(6);
    expect(JSON.parse(await readFile(join(scratch, 'edited.json'), 'utf8'))).toMatchObject({ mode: 'edit', source: { width: 128, height: 128 } });
    expect(json('replay', join(scratch, 'edited.json'), '--out', join(scratch, 'edited-again.png')).identical).toBe(true);

    const bad = run('data', 'generate', 'x', '--eta', '2', '--out', join(scratch, 'bad.png'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_PARAMS: .*eta/);

    const evaluation = run('data', 'eval', 'grounding', '--steps', '10');
    expect(evaluation.status, evaluation.stderr).toBe(0);
    expect(evaluation.stdout).toMatch(/\| 0\.0 \| [\d.]+ \| [\d.]+ \|/);
    expect(evaluation.stdout).toMatch(/plain CFG/);
    await rm(scratch, { recursive: true, force: true });
  });
});
