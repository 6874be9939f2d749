import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { startModelMirror, type ModelMirror } from '../../../models/model-mirror';
import { diffusersOnnxLayout, pinToFixtures, withInt32Inputs, xenovaClipLayout } from '../../../models/repo-layouts';
import { ClipModel } from '../clip/clip-model';
import { dot } from '../shared/vector';
import { runDiffusion } from '../edit/pipeline';
import { SdModel } from '../edit/sd-model';
import { JobRunner } from '../jobs/runner';
import { loadManifest, parseManifest, type Manifest, type Precision } from './manifest';
import { ModelStore } from './model-store';
import { SessionPool } from './session-pool';

/**
 * Downloads of every real repository layout the manifest points at, through a loopback stand-in for the hub that
 * answers like it (redirects with X-Linked-Etag, git blob ids for small files, X-Repo-Commit), with the fixture models
 * laid out like those repositories.
 */
const paths = fixturePaths();
let real: Manifest;
let pinned: Manifest;
let mirror: ModelMirror;
const repos: Record<string, string> = {};
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });

beforeAll(async () => {
  real = await loadManifest(join(process.cwd(), 'models', 'manifest.json'));
  const scratch = await mkdtemp(join(tmpdir(), 'studio-repos-'));
  repos['clip-vit-b32'] = join(scratch, 'clip');
  repos['sd15-text2img'] = join(scratch, 'nmkd-fp16');
  repos['lcm-dreamshaper-v7'] = join(scratch, 'lcm');
  repos['pix2pix-tensorstack'] = join(scratch, 'tensorstack');
  await xenovaClipLayout(paths.sceneClip, repos['clip-vit-b32']);
  await diffusersOnnxLayout(paths.sd.text2img, repos['sd15-text2img'], { unetWeights: 'weights.pb', fp16: true, scheduler: true });
  await diffusersOnnxLayout(paths.sd.text2img, repos['lcm-dreamshaper-v7'], { unetWeights: 'model.onnx_data', fp16: false, scheduler: true });
  await diffusersOnnxLayout(paths.sd.instruct, repos['pix2pix-tensorstack'], { unetWeights: null, fp16: true, scheduler: false });
  // TensorStack's InstructPix2Pix export is known by a short commit only (so the shipped manifest offers no download);
  // here it stands in under a made-up full commit to exercise its layout: no scheduler/, vocab+merges, fp16.
  const pix = real.models.find((m) => m.id === 'sd15-instruct-pix2pix')!;
  const withPix = parseManifest({
    ...real,
    models: real.models.map((m) =>
      m.id === pix.id
        ? {
            ...m,
            download: { repo: 'TensorStack/Instruct-pix2pix-onnx', revision: 'a7064d7'.padEnd(40, '0') },
            files: [...m.files.filter((f) => !f.path.includes('onnx_data') && f.path !== 'tokenizer/tokenizer_config.json'), { path: 'tokenizer/special_tokens_map.json', role: 'tokenizer', approxBytes: 496, sha256: null, bytes: null, optional: false }],
          }
        : m,
    ),
  });
  pinned = await pinToFixtures(withPix, { ...repos, 'sd15-instruct-pix2pix': repos['pix2pix-tensorstack']! });
  const serve = (id: string, folder = repos[id]!) => ({ repo: real.models.find((m) => m.id === id)!.download!.repo, revision: real.models.find((m) => m.id === id)!.download!.revision, folder });
  mirror = await startModelMirror([
    serve('clip-vit-b32'),
    serve('sd15-text2img'),
    serve('lcm-dreamshaper-v7'),
    { repo: 'TensorStack/Instruct-pix2pix-onnx', revision: 'a7064d7'.padEnd(40, '0'), folder: repos['pix2pix-tensorstack']! },
  ]);
});
afterAll(async () => {
  await mirror.close();
  await pool.release();
});

async function download(store: ModelStore, id: string, variant?: Precision) {
  const runner = new JobRunner({ progressIntervalMs: 0 });
  const job = runner.submit({ kind: 'models.download', label: id, unit: 'MB' }, (ctx) => store.download(id, ctx, variant));
  return runner.settled(job.id);
}

const storeFor = async (manifest: Manifest, provider = 'cpu') =>
  new ModelStore({ manifest, modelsDir: await mkdtemp(join(tmpdir(), 'studio-models-')), mirror: mirror.url, provider: () => provider });

describe('downloads of the real repository layouts', () => {
  it('CLIP on a CPU: fetches the 8-bit variant, checks pinned files against the manifest and the rest against the host', async () => {
    const store = await storeFor(pinned);
    const done = await download(store, 'clip-vit-b32');
    expect(done.error).toBeNull();
    expect(done.result).toMatchObject({ variant: 'int8' });
    const status = store.status('clip-vit-b32');
    expect(status).toMatchObject({ installed: true, variant: 'int8', verification: 'host' });
    expect(existsSync(join(status.dir, 'onnx', 'vision_model.onnx'))).toBe(false);
    const byPath = Object.fromEntries(status.files.map((f) => [f.path, f]));
    expect(byPath['onnx/text_model_quantized.onnx']).toMatchObject({ hash: 'pinned', verifiedAgainst: 'manifest' });
    expect(byPath['onnx/vision_model_quantized.onnx']).toMatchObject({ hash: 'host-verified', verifiedAgainst: 'host' });
    // Small files carry the git blob id, large ones the sha256 on the hub's redirect: both were checked.
    expect(byPath['preprocessor_config.json']).toMatchObject({ hash: 'host-verified', verifiedAgainst: 'host' });
    expect(mirror.requests.some((r) => r.startsWith('GET /cdn/'))).toBe(true);

    const clip = await ClipModel.load(status.dir, pool, { vision: store.fileFor('clip-vit-b32', 'vision'), text: store.fileFor('clip-vit-b32', 'text') });
    expect(clip.visionFile.endsWith('vision_model_quantized.onnx')).toBe(true);
    const [a, b] = await clip.encodeTexts(['a red circle', 'a red circle']);
    expect(dot(a!, b!)).toBeCloseTo(1, 5);
    expect(store.libraryKey('clip-vit-b32')).toBe('clip-vit-b32@int8');
  });

  it('refuses a file whose bytes differ from the pinned SHA-256 (fixtures are not the real weights)', async () => {
    const store = await storeFor(real);
    const done = await download(store, 'clip-vit-b32', 'int8');
    expect(done.error).toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringMatching(/text_model_quantized.onnx failed verification: its sha256 is [0-9a-f]{64}, expected 73baab/) });
    expect(existsSync(join(store.dirOf('clip-vit-b32'), 'onnx', 'text_model_quantized.onnx'))).toBe(false);
    expect(store.status('clip-vit-b32').installed).toBe(false);
    // Where the manifest states the exact size, a file of another size is refused before it is downloaded.
    expect((await download(store, 'clip-vit-b32', 'fp16')).error).toMatchObject({ message: expect.stringContaining('176080659 were expected') });
  });

  it('CLIP on a GPU: the fp16 variant, float16 interfaces converted at the edges, same embeddings as fp32', async () => {
    const store = await storeFor(pinned, 'cuda');
    expect((await download(store, 'clip-vit-b32')).result).toMatchObject({ variant: 'fp16' });
    const half = await ClipModel.load(store.dirOf('clip-vit-b32'), pool, { vision: store.fileFor('clip-vit-b32', 'vision'), text: store.fileFor('clip-vit-b32', 'text') });
    expect(half.textFile.endsWith('text_model_fp16.onnx')).toBe(true);
    const full = await ClipModel.load(paths.sceneClip, pool);
    const [h] = await half.encodeTexts(['a small green triangle']);
    const [f] = await full.encodeTexts(['a small green triangle']);
    expect(dot(h!, f!)).toBeGreaterThan(0.999);
  });

  it('a CLIP text encoder that takes int32 ids gets them, with the same embeddings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-int32-'));
    await cp(paths.sceneClip, dir, { recursive: true });
    await writeFile(join(dir, 'onnx', 'text_model.onnx'), withInt32Inputs(await readFile(join(paths.sceneClip, 'onnx', 'text_model.onnx'))));
    const narrow = await ClipModel.load(dir, pool);
    const wide = await ClipModel.load(paths.sceneClip, pool);
    const [a] = await narrow.encodeTexts(['a big blue square']);
    const [b] = await wide.encodeTexts(['a big blue square']);
    expect(dot(a!, b!)).toBeCloseTo(1, 5);
  });

  it('SD 1.5 fp16 (nmkd): external weights in unet/weights.pb, tokenizer as vocab+merges, fp16 interfaces — and it generates', async () => {
    const store = await storeFor(pinned, 'cuda');
    const done = await download(store, 'sd15-text2img');
    expect(done.error).toBeNull();
    const dir = store.require('sd15-text2img');
    expect(existsSync(join(dir, 'unet', 'weights.pb'))).toBe(true);
    expect(existsSync(join(dir, 'tokenizer', 'tokenizer.json'))).toBe(false);
    expect((await readFile(join(dir, 'tokenizer', 'merges.txt'), 'utf8')).startsWith('#version')).toBe(true);
    const model = await SdModel.load(dir, pool);
    const { image } = await runDiffusion(model, { pipeline: 'text2img', source: null, mask: null, prompt: 'a green picture', negative: '', steps: 4, textGuidance: 7.5, imageGuidance: 1, strength: 1, seed: 3, scheduler: 'ddim', feather: 0 });
    const green = image.data.filter((_, i) => i % 3 === 1).reduce((s, v) => s + v, 0);
    const red = image.data.filter((_, i) => i % 3 === 0).reduce((s, v) => s + v, 0);
    expect(green).toBeGreaterThan(red);
  });

  it('LCM Dreamshaper: the UNet graph and its model.onnx_data arrive and verify (the weights against the pinned hash)', async () => {
    const store = await storeFor(pinned);
    expect((await download(store, 'lcm-dreamshaper-v7')).error).toBeNull();
    const status = store.status('lcm-dreamshaper-v7');
    expect(status.files.find((f) => f.path === 'unet/model.onnx_data')).toMatchObject({ hash: 'pinned', verifiedAgainst: 'manifest' });
    // The graph reads its weights from the file beside it, and the parts run.
    const model = await SdModel.load(status.dir, pool);
    const out = await model.unet(new ort.Tensor('float32', new Float32Array(4 * 8 * 8), [1, 4, 8, 8]), 500, await model.encodeText(['a red picture']));
    expect(out.every(Number.isFinite)).toBe(true);
  });

  it('InstructPix2Pix without a scheduler folder: the bundled SD 1.5 scheduler config fills in, and the edit works', async () => {
    const store = await storeFor(pinned, 'cuda');
    const done = await download(store, 'sd15-instruct-pix2pix');
    expect(done.error).toBeNull();
    const dir = store.require('sd15-instruct-pix2pix');
    expect(existsSync(join(dir, 'scheduler', 'scheduler_config.json'))).toBe(false);
    const model = await SdModel.load(dir, pool);
    expect(model.scheduler.stepsOffset).toBe(1);
    const source = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).map((_, i) => (i % 3 === 0 ? 220 : 30)) };
    const { image } = await runDiffusion(model, { pipeline: 'instruct', source, mask: null, prompt: 'make it green', negative: '', steps: 4, textGuidance: 1, imageGuidance: 1, strength: 1, seed: 1, scheduler: 'ddim', feather: 0 });
    expect(image.data[1]!).toBeGreaterThan(image.data[0]!);
  });

  it('refuses a plain-http mirror on another machine unless allowed', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'studio-models-'));
    const offline: typeof fetch = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENETUNREACH' } });
    };
    const refused = new ModelStore({ manifest: real, modelsDir, mirror: 'http://192.0.2.7/hf', fetch: offline });
    expect((await download(refused, 'clip-vit-b32')).error).toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringContaining('--allow-insecure-mirror') });
    const allowed = new ModelStore({ manifest: real, modelsDir, mirror: 'http://192.0.2.7/hf', fetch: offline, allowInsecureMirror: true });
    expect((await download(allowed, 'clip-vit-b32')).error).toMatchObject({ code: 'DOWNLOAD_FAILED' });
  });
});
