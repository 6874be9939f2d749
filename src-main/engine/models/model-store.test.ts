import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { startModelMirror, type ModelMirror } from '../../../models/model-mirror';
import { pinToFixtures, xenovaClipLayout } from '../../../models/repo-layouts';
import { ClipModel } from '../clip/clip-model';
import { dot } from '../shared/vector';
import { JobRunner } from '../jobs/runner';
import { loadManifest, type Manifest, type Precision } from './manifest';
import { ModelStore } from './model-store';
import { SessionPool } from './session-pool';

const fixture = fixturePaths().sceneClip;
let mirror: ModelMirror;
let manifest: Manifest;

beforeAll(async () => {
  const real = await loadManifest(join(process.cwd(), 'models', 'manifest.json'));
  const repo = await mkdtemp(join(tmpdir(), 'studio-repo-'));
  await xenovaClipLayout(fixture, repo);
  manifest = await pinToFixtures(real, { 'clip-vit-b32': repo });
  const b32 = real.models[0]!.download!;
  mirror = await startModelMirror([{ repo: b32.repo, revision: b32.revision, folder: repo }]);
});
afterAll(() => mirror.close());

const run = async (store: ModelStore, id: string, variant?: Precision) => {
  const runner = new JobRunner({ progressIntervalMs: 0 });
  const seen: number[] = [];
  runner.onUpdate((j) => j.state === 'running' && seen.push(j.progress.done));
  const job = runner.submit({ kind: 'models.download', label: id, unit: 'MB' }, (ctx) => store.download(id, ctx, variant));
  return { final: await runner.settled(job.id), seen };
};

describe('ModelStore', () => {
  it('lists models with their folder, variant, pinned commit and what is missing', async () => {
    const store = new ModelStore({ manifest, modelsDir: '/models' });
    const clip = store.status('clip-vit-b32');
    expect(clip).toMatchObject({ dir: '/models/clip-vit-b32', installed: false, downloadable: true, default: true, variant: 'int8', variantSetting: null });
    expect(clip.pinnedTo).toEqual({ repo: 'Xenova/clip-vit-base-patch32', revision: '4c1807b705b1d015fb032789cc4d221b23025a6f' });
    expect(clip.missing).toContain('onnx/vision_model_quantized.onnx');
    expect(clip.variants.map((v) => v.name)).toEqual(['fp32', 'fp16', 'int8']);
    expect(clip.files.find((f) => f.path === 'onnx/text_model_quantized.onnx')).toMatchObject({ hash: 'pinned', verifiedAgainst: null });
    expect(clip.files.find((f) => f.path === 'tokenizer.json')).toMatchObject({ hash: 'host-verified' });
    const pix = store.status('sd15-instruct-pix2pix');
    expect(pix.downloadable).toBe(false);
    expect(pix.unpinnedReason).toContain('full commit');
    expect(pix.exportCommand).toContain('/models/sd15-instruct-pix2pix');
    expect(() => store.require('clip-vit-b32')).toThrowError(expect.objectContaining({ code: 'MODEL_MISSING', message: expect.stringContaining('Settings → Models') }));
    expect(() => store.status('nope')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('downloads a variant from a mirror as a job, and the real CLIP loader then runs it', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'studio-models-'));
    const store = new ModelStore({ manifest, modelsDir, mirror: mirror.url });
    const { final, seen } = await run(store, 'clip-vit-b32', 'fp32');
    expect(final.error).toBeNull();
    expect(final.result).toMatchObject({ files: 7, variant: 'fp32' });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(store.status('clip-vit-b32')).toMatchObject({ installed: true, variant: 'fp32', verification: 'host' });
    const verified = JSON.parse(await readFile(join(modelsDir, 'clip-vit-b32', '.studio-verified.json'), 'utf8'));
    expect(Object.values(verified).map((v) => (v as { verifiedAgainst: string }).verifiedAgainst).sort()).toEqual(['host', 'host', 'host', 'host', 'host', 'host', 'manifest']);

    const pool = new SessionPool({ providers: ['cpu'] });
    const clip = await ClipModel.load(store.require('clip-vit-b32'), pool);
    const [a, b] = await clip.encodeTexts(['a red circle', 'a red circle']);
    expect(dot(a!, b!)).toBeCloseTo(1, 5);
    await pool.release();

    // Nothing is fetched again once everything is there.
    mirror.requests.length = 0;
    expect((await run(store, 'clip-vit-b32', 'fp32')).final.result).toMatchObject({ files: 0 });
    expect(mirror.requests).toEqual([]);
  });

  it('follows the user’s variant choice, and a library key names its variant', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'studio-models-'));
    await cp(fixture, join(modelsDir, 'clip-vit-b32'), { recursive: true });
    let choice: Precision | null = null;
    const store = new ModelStore({ manifest, modelsDir, mirror: mirror.url, variantChoice: () => choice });
    // Only fp32 is on disk: it is used (and keyed as before) although int8 would suit a CPU better.
    expect(store.status('clip-vit-b32')).toMatchObject({ installed: true, variant: 'fp32' });
    expect(store.libraryKey('clip-vit-b32')).toBe('clip-vit-b32');
    choice = 'fp16';
    expect(store.status('clip-vit-b32')).toMatchObject({ installed: false, variant: 'fp16', variantSetting: 'fp16' });
    expect((await run(store, 'clip-vit-b32')).final.result).toMatchObject({ variant: 'fp16' });
    expect(store.libraryKey('clip-vit-b32')).toBe('clip-vit-b32@fp16');
    expect(store.fileFor('clip-vit-b32', 'vision')).toBe(join(modelsDir, 'clip-vit-b32', 'onnx', 'vision_model_fp16.onnx'));
    expect(store.keyed('clip-vit-b32')).toBe('clip-vit-b32@fp32');
    expect(store.status('clip-vit-b32@fp32').installed).toBe(true);
    await expect(run(store, 'clip-vit-b32', 'q4' as Precision)).resolves.toMatchObject({ final: { error: { code: 'INVALID_PARAMS' } } });
  });

  it('picks the Stable Diffusion export that suits the provider among the installed ones', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'studio-models-'));
    let provider = 'cpu';
    let choice: Precision | null = null;
    const store = new ModelStore({ manifest, modelsDir, provider: () => provider, variantChoice: () => choice });
    expect(store.resolve('sd15-text2img')).toBe('sd15-text2img');
    const sd = fixturePaths().sd.text2img;
    await cp(sd, join(modelsDir, 'sd15-text2img'), { recursive: true });
    await cp(sd, join(modelsDir, 'sd15-text2img-fp32'), { recursive: true });
    expect(store.resolve('sd15-text2img')).toBe('sd15-text2img-fp32');
    expect(store.status('sd15-text2img').inUse).toBe('sd15-text2img-fp32');
    expect(store.status('clip-vit-b32').inUse).toBeNull();
    provider = 'cuda';
    expect(store.resolve('sd15-text2img')).toBe('sd15-text2img');
    choice = 'fp32';
    expect(store.resolve('sd15-text2img')).toBe('sd15-text2img-fp32');
  });

  it('refuses to download a model that has to be exported, saying why', async () => {
    const store = new ModelStore({ manifest, modelsDir: await mkdtemp(join(tmpdir(), 'studio-models-')), mirror: mirror.url });
    const { final } = await run(store, 'sd15-inpaint');
    expect(final.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/No inpainting export.*optimum-cli export onnx/s) });
  });
});
