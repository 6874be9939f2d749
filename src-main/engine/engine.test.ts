import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEngine } from './app-services';

const temp = () => mkdtemp(join(tmpdir(), 'studio-engine-'));

describe('Engine settings', () => {
  it('keeps models in the data dir by default, and moves them where the user says, at once and across restarts', async () => {
    const dataDir = await temp();
    const engine = await startEngine({ dataDir, host: 'cli' });
    expect(engine.settings.view().effective.modelsDir).toBe(join(dataDir, 'models'));
    const elsewhere = join(await temp(), 'shared-models');
    const view = await engine.settings.update({ modelsDir: elsewhere });
    expect(view.effective.modelsDir).toBe(elsewhere);
    expect(engine.models.list()[0]!.dir).toBe(join(elsewhere, 'clip-vit-b32'));
    expect(engine.app.info().modelsDir).toBe(elsewhere);
    await engine.close();

    const again = await startEngine({ dataDir, host: 'cli' });
    expect(again.models.modelsDir).toBe(elsewhere);
    await again.settings.update({ modelsDir: null });
    expect(again.models.modelsDir).toBe(join(dataDir, 'models'));
    await again.close();
  });

  it('refuses relative folders and settings fixed by a flag', async () => {
    const engine = await startEngine({ dataDir: await temp(), host: 'cli', modelsDir: '/fixed', lockedBy: { modelsDir: '--models-dir', modelMirror: null } });
    await expect(engine.settings.update({ modelsDir: '/x' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('--models-dir') });
    await engine.settings.update({ modelMirror: 'https://mirror.example' });
    expect(engine.models.mirror).toBe('https://mirror.example');
    await engine.close();
    const free = await startEngine({ dataDir: await temp(), host: 'cli' });
    await expect(free.settings.update({ modelsDir: 'relative/dir' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await free.close();
  });
});

describe('Engine CLIP model choice', () => {
  it('accepts only installed CLIP models', async () => {
    const engine = await startEngine({ dataDir: await temp(), host: 'cli' });
    expect(engine.settings.view().effective.clipModel).toBe('clip-vit-b32');
    await expect(engine.settings.update({ clipModel: 'sd15-inpaint' })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringContaining('not a CLIP model') });
    await expect(engine.settings.update({ clipModel: 'clip-vit-l14' })).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    await expect(engine.settings.update({ clipModel: 'no-such-model' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(engine.settings.view().effective.clipModel).toBe('clip-vit-b32');
    await engine.close();
  });
});

describe('Engine composer choice', () => {
  it('defaults to sum and accepts a learned composer only once it is installed', async () => {
    const engine = await startEngine({ dataDir: await temp(), host: 'cli' });
    expect(engine.settings.view().effective.composer).toBe('sum');
    await expect(engine.settings.update({ composer: 'compodiff' })).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringContaining('CompoDiff') });
    expect(engine.settings.view().effective.composer).toBe('sum');
    await expect(engine.search.compose({ reference: null, regionUploadId: null, conditions: ['red'], negative: '', seed: 0, excludeReference: true, limit: 5, offset: 0 })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      message: expect.stringContaining('CLIP ViT-B/32 is not installed'),
    });
    await engine.close();
  });
});
