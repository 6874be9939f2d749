import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePaths } from '../../models/fixtures';
import { startEngine } from './app-services';
import { engineWithPhotos } from './test-engine';

const temp = () => mkdtemp(join(tmpdir(), 'studio-engine-'));

describe('Engine with files that change under it', () => {
  it('opening a library photo that became a FIFO in the editor fails at once instead of hanging', { timeout: 30_000 }, async () => {
    const { engine, photos, items: [item] } = await engineWithPhotos([join(fixturePaths().world, 'red-square-0.png')]);
    rmSync(join(photos, 'red-square-0.png'));
    execFileSync('mkfifo', [join(photos, 'red-square-0.png')]);
    await expect(engine.edit.createProject({ itemId: item!.id })).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(/FIFO/) });
    expect(engine.edit.listProjects()).toEqual([]);
    await engine.close();
  });
});

describe('Engine refresh and roots', () => {
  it('a folder added while a refresh is already processing photos is indexed too', { timeout: 60_000 }, async () => {
    const world = fixturePaths().world;
    const first = await temp();
    const second = await temp();
    for (const name of ['red-square-0.png', 'blue-circle-1.png', 'gray-triangle-0.png', 'red-circle-0.png']) copyFileSync(join(world, name), join(first, name));
    copyFileSync(join(world, 'black-square-0.png'), join(second, 'late.png'));
    const engine = await startEngine({ dataDir: await temp(), host: 'cli', modelsDir: join(await temp(), 'none'), jobConcurrency: 1 });
    let added = false;
    const stop = engine.events.subscribe((event) => {
      // Photos are being processed: the running refresh is past scanning its folders.
      if (event.topic === 'job.progress' && event.payload.kind === 'library.refresh' && event.payload.progress.done > 0 && !added) {
        added = true;
        engine.library.addRoot(second);
      }
    });
    engine.library.addRoot(first);
    for (let i = 0; i < 300 && (!added || engine.jobs.unfinished('library.refresh') || (await engine.library.status()).pending > 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stop();
    expect(added).toBe(true);
    expect(Object.fromEntries(engine.library.listRoots().map((r) => [r.path, r.indexed]))).toEqual({ [first]: 4, [second]: 1 });
    await engine.close();
  });
});
