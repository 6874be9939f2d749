import { spawn, spawnSync } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';
import { fixturePaths } from '../models/fixtures';

/** Real processes, real files: the CLI indexer is killed with SIGKILL mid-run and must pick up where it stopped. */
test.describe('indexer crash safety', () => {
  test('SIGKILL mid-run, restart: it resumes, no duplicate rows, no orphan vectors, counts match', async () => {
    test.setTimeout(120_000);
    const scratch = await mkdtemp(join(tmpdir(), 'studio-crash-'));
    const paths = fixturePaths();
    const photos = join(scratch, 'photos');
    await mkdir(join(scratch, 'models'), { recursive: true });
    await cp(paths.sceneClip, join(scratch, 'models', 'clip-vit-b32'), { recursive: true });
    const labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8')) as { file: string }[];
    const TOTAL = 400;
    await mkdir(photos);
    for (let i = 0; i < TOTAL; i++) await copyFile(join(paths.world, labels[i % labels.length]!.file), join(photos, `photo-${String(i).padStart(4, '0')}.png`));
    const env = { ...process.env, STUDIO_MODELS_DIR: join(scratch, 'models') };
    const cli = (...args: string[]) => ['out/main/cli.js', ...args, '--data-dir', join(scratch, 'data')];

    // First run: kill it hard once it has made some progress.
    const child = spawn(process.execPath, cli('index', photos), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let killedAt = -1;
    for await (const line of createInterface({ input: child.stderr! })) {
      const match = /(\d+)\/(\d+) images/.exec(line);
      if (match && Number(match[1]) >= 120) {
        killedAt = Number(match[1]);
        child.kill('SIGKILL');
        break;
      }
    }
    await new Promise((r) => child.once('exit', r));
    expect(killedAt).toBeGreaterThan(0);

    const status = () => JSON.parse(spawnSync(process.execPath, cli('status', '--json'), { env, encoding: 'utf8' }).stdout);
    const partial = status();
    expect(partial.files).toBe(TOTAL);
    expect(partial.embedded).toBeLessThan(TOTAL);

    // Second run resumes and finishes.
    const resumed = spawnSync(process.execPath, cli('index'), { env, encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    const final = status();
    expect(final).toMatchObject({ files: TOTAL, indexed: TOTAL, pending: 0, pendingEmbeddings: 0, embedded: TOTAL, failed: [] });

    const verify = spawnSync(process.execPath, cli('verify'), { env, encoding: 'utf8' });
    expect(verify.stdout).toMatch(/Vector index: ok: 400 vectors match the database/);

    const search = JSON.parse(spawnSync(process.execPath, cli('search', 'a red circle', '--limit', '3', '--json'), { env, encoding: 'utf8' }).stdout);
    expect(search).toHaveLength(3);
    const json = (...args: string[]) => JSON.parse(spawnSync(process.execPath, cli(...args), { env, encoding: 'utf8' }).stdout);
    // Filters: every photo here is a 300×240 PNG.
    expect(json('search', 'a red circle', '--orientation', 'portrait', '--json')).toEqual([]);
    expect(json('search', 'a red circle', '--format', 'png', '--limit', '2', '--json')).toHaveLength(2);
    expect(json('search', 'a red circle', '--folder', join(scratch, 'elsewhere'), '--json')).toEqual([]);
    await rm(scratch, { recursive: true, force: true });
  });
});
