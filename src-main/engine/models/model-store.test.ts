import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { ClipModel } from '../clip/clip-model';
import { dot } from '../clip/vector';
import { JobRunner } from '../jobs/runner';
import { loadManifest, type Manifest } from './manifest';
import { ModelStore } from './model-store';
import { SessionPool } from './session-pool';

const fixture = fixturePaths().sceneClip;
let server: Server;
let mirror: string;
let manifest: Manifest;
const requests: string[] = [];

beforeAll(async () => {
  manifest = await loadManifest(join(process.cwd(), 'models', 'manifest.json'));
  // A local mirror in the Hugging Face layout that serves the scene-CLIP fixture under the real model's file names.
  server = createServer(async (req, res) => {
    requests.push(req.url ?? '');
    const match = /^\/Xenova\/clip-vit-base-patch32\/resolve\/main\/(.+)$/.exec(req.url ?? '');
    const file = match ? join(fixture, decodeURIComponent(match[1]!)) : null;
    if (!file || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String((await stat(file)).size) });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('ModelStore', () => {
  it('lists models with their folder and what is missing', async () => {
    const store = new ModelStore({ manifest, modelsDir: '/models' });
    const clip = store.status('clip-vit-b32');
    expect(clip).toMatchObject({ dir: '/models/clip-vit-b32', installed: false, downloadable: true, default: true });
    expect(clip.missing).toContain('onnx/vision_model.onnx');
    const pix = store.status('sd15-instruct-pix2pix');
    expect(pix.downloadable).toBe(false);
    expect(pix.exportCommand).toContain('/models/sd15-instruct-pix2pix');
    expect(() => store.require('clip-vit-b32')).toThrowError(expect.objectContaining({ code: 'MODEL_MISSING', message: expect.stringContaining('Settings → Models') }));
    expect(() => store.status('nope')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('downloads a model from a mirror as a job, and the real CLIP loader then runs it', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'studio-models-'));
    const store = new ModelStore({ manifest, modelsDir, mirror });
    const runner = new JobRunner({ progressIntervalMs: 0 });
    const seen: number[] = [];
    runner.onUpdate((j) => j.state === 'running' && seen.push(j.progress.done));
    const job = runner.submit({ kind: 'models.download', label: 'CLIP', unit: 'MB' }, (ctx) => store.download('clip-vit-b32', ctx));
    const final = await runner.settled(job.id);
    expect(final.error).toBeNull();
    expect(final.state).toBe('done');
    expect(final.result).toMatchObject({ files: 7 });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(store.status('clip-vit-b32').installed).toBe(true);
    const verified = JSON.parse(await readFile(join(modelsDir, 'clip-vit-b32', '.studio-verified.json'), 'utf8'));
    expect(Object.keys(verified)).toHaveLength(7);

    const pool = new SessionPool({ providers: ['cpu'] });
    const clip = await ClipModel.load(store.require('clip-vit-b32'), pool);
    const [a, b] = await clip.encodeTexts(['a red circle', 'a red circle']);
    expect(dot(a!, b!)).toBeCloseTo(1, 5);
    await pool.release();

    // Nothing is fetched again once everything is there.
    requests.length = 0;
    const again = runner.submit({ kind: 'models.download', label: 'CLIP', unit: 'MB' }, (ctx) => store.download('clip-vit-b32', ctx));
    expect((await runner.settled(again.id)).result).toMatchObject({ files: 0 });
    expect(requests).toEqual([]);
  });

  it('refuses to download a model that has to be exported', async () => {
    const store = new ModelStore({ manifest, modelsDir: await mkdtemp(join(tmpdir(), 'studio-models-')), mirror });
    const runner = new JobRunner();
    const job = runner.submit({ kind: 'models.download', label: 'SD' }, (ctx) => store.download('sd15-inpaint', ctx));
    expect((await runner.settled(job.id)).error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('optimum-cli export onnx') });
  });
});
