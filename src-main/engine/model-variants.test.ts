import { cp, mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../models/fixtures';
import manifestJson from '../../models/manifest.json';
import { startModelMirror, type ModelMirror } from '../../models/model-mirror';
import { pinToFixtures, xenovaClipLayout } from '../../models/repo-layouts';
import { startEngine, type Services } from './app-services';

/** Variants and downloads as the studio lives them: a variant change re-embeds, an installed CLIP model starts indexing. */
const paths = fixturePaths();
let repo: string;
let photos: string;
let mirror: ModelMirror;

beforeAll(async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'studio-variants-'));
  repo = join(scratch, 'repo');
  await xenovaClipLayout(paths.sceneClip, repo);
  photos = join(scratch, 'photos');
  await mkdir(photos);
  for (const name of (await readdir(paths.world)).filter((n) => n.endsWith('.png')).slice(0, 6)) await cp(join(paths.world, name), join(photos, name));
  const b32 = manifestJson.models[0]!.download!;
  mirror = await startModelMirror([{ repo: b32.repo, revision: b32.revision, folder: repo }]);
});
afterAll(() => mirror.close());

const idle = async (engine: Services) => {
  for (let i = 0; i < 200; i++) {
    const running = engine.jobs.list().filter((j) => j.state === 'running' || j.state === 'queued');
    if (running.length === 0) return;
    await Promise.all(running.map((j) => engine.jobs.settled(j.id)));
  }
};

describe('model variants in the engine', () => {
  it('embeds with the 8-bit CLIP on a CPU, and re-embeds in the background when the user picks fp32', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'studio-models-'));
    await cp(repo, join(modelsDir, 'clip-vit-b32'), { recursive: true });
    const engine = await startEngine({ dataDir: await mkdtemp(join(tmpdir(), 'studio-engine-')), modelsDir, host: 'cli' });
    engine.library.addRoot(photos);
    await engine.jobs.settled(engine.library.refresh().id);
    const before = (await engine.library.status());
    expect(before).toMatchObject({ model: { id: 'clip-vit-b32@int8' }, embedded: 6 });
    expect((await engine.clip.get())!.visionFile).toMatch(/vision_model_quantized\.onnx$/);

    await engine.settings.update({ modelVariants: { 'clip-vit-b32': 'fp32' } });
    const rebuild = engine.jobs.list().find((j) => j.kind === 'library.refresh' && j.state !== 'done');
    expect(rebuild).toBeDefined();
    await idle(engine);
    expect((await engine.library.status())).toMatchObject({ model: { id: 'clip-vit-b32' }, embedded: 6, servingModel: 'clip-vit-b32' });
    expect((await engine.clip.get('clip-vit-b32@int8'))!.visionFile).toMatch(/quantized/);
    await expect(engine.settings.update({ modelVariants: { 'clip-vit-b32': 'q4' as 'fp32' } })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(engine.settings.update({ modelVariants: { 'mobileclip-s0': 'fp16' } })).rejects.toMatchObject({ message: expect.stringContaining('fp32, int8') });
    await engine.close();
  });

  it('starts indexing by itself once the library’s CLIP model is downloaded', async () => {
    const real = (await import('./models/manifest')).parseManifest(manifestJson);
    const pinned = await pinToFixtures(real, { 'clip-vit-b32': repo });
    const dataDir = await mkdtemp(join(tmpdir(), 'studio-engine-'));
    const engine = await startEngine({ dataDir, host: 'cli', modelMirror: mirror.url, manifest: pinned });
    engine.library.addRoot(photos);
    await engine.jobs.settled(engine.library.refresh().id);
    expect((await engine.library.status())).toMatchObject({ embedded: 0, indexed: 6 });
    const download = engine.models.download('clip-vit-b32');
    expect((await engine.jobs.settled(download.id)).error).toBeNull();
    await idle(engine);
    expect((await engine.library.status())).toMatchObject({ model: { id: 'clip-vit-b32@int8' }, embedded: 6 });
    await engine.close();
  });
});
