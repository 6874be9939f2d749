import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePaths } from '../../models/fixtures';
import { Engine } from './engine';

const temp = () => mkdtemp(join(tmpdir(), 'studio-engine-'));

describe('Engine with files that change under it', () => {
  it('opening a library photo that became a FIFO in the editor fails at once instead of hanging', { timeout: 30_000 }, async () => {
    const photos = await temp();
    copyFileSync(join(fixturePaths().world, 'red-square-0.png'), join(photos, 'a.png'));
    const engine = await Engine.start({ dataDir: await temp(), host: 'cli', modelsDir: join(await temp(), 'none') });
    const { job } = engine.addLibraryRoot(photos);
    expect((await engine.jobs.settled(job.id)).state).toBe('done');
    const [item] = (await engine.library.search({ limit: 1 }, null)).items;
    rmSync(join(photos, 'a.png'));
    execFileSync('mkfifo', [join(photos, 'a.png')]);
    await expect(engine.createEditProject({ itemId: item!.id })).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(/FIFO/) });
    expect(engine.editor.store.list()).toEqual([]);
    await engine.close();
  });
});
