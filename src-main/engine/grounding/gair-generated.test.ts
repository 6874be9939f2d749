import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { startEngine, type Services } from '../app-services';
import { conceptPreviews } from './concept-previews';
import { chooseGairW } from './gair-generated';

const paths = fixturePaths();
let engine: Services;
let modelsDir: string;

const job = (signal = new AbortController().signal) => {
  const seen: [number, number | null | undefined][] = [];
  return {
    seen,
    ctx: {
      signal,
      progress: (done: number, total?: number | null) => void seen.push([done, total]),
      throwIfCancelled: () => {
        if (signal.aborted) throw signal.reason;
      },
    },
  };
};

/** The scene CLIP, the fixture instruction model, a small scene-world library, and a concept taught from green photos. */
beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'studio-gair-models-'));
  await cp(paths.sceneClip, join(modelsDir, 'clip-vit-b32'), { recursive: true });
  await cp(paths.sd.instruct, join(modelsDir, 'sd15-instruct-pix2pix'), { recursive: true });
  const photos = await mkdtemp(join(tmpdir(), 'studio-gair-photos-'));
  for (const color of ['red', 'blue', 'green']) {
    for (const shape of ['circle', 'square', 'triangle']) await cp(join(paths.world, `${color}-${shape}-0.png`), join(photos, `${color}-${shape}-0.png`));
  }
  engine = await startEngine({ dataDir: await mkdtemp(join(tmpdir(), 'studio-gair-')), modelsDir, host: 'cli' });
  engine.library.addRoot(photos);
  expect((await engine.jobs.settled(engine.library.refresh().id)).state).toBe('done');
  const uploads = await Promise.all(['green-circle-0.png', 'green-square-0.png', 'green-triangle-0.png'].map(async (f) => ({ uploadId: await engine.uploads.put(await readFile(join(photos, f))) })));
  const taught = await engine.jobs.settled((await engine.concepts.teach({ name: 'leafy', parent: 'shape', photos: uploads })).id);
  expect(taught.state, taught.error?.message).toBe('done');
}, 180_000);
afterAll(() => engine.close());

describe('concepts in generation', () => {
  it('previews: grounded creations of *name from its photos, one per seed, the same for the same seed', async () => {
    const first = job();
    const a = await conceptPreviews(engine, 'leafy', 5, first.ctx);
    expect(a.previews.map((p) => p.seed)).toEqual([5, 6, 7]);
    expect(first.seen.at(-1)).toEqual([3, 3]);
    const pngs = a.previews.map((p) => Buffer.from(p.image.replace(/^data:image\/png;base64,/, ''), 'base64'));
    expect(new Set(a.previews.map((p) => p.image)).size).toBe(3);
    // The concept's green photos ground the picture: green leads the mean color.
    const { channels } = await sharp(pngs[0]!).stats();
    expect(channels[1]!.mean).toBeGreaterThan(channels[0]!.mean);
    const again = await conceptPreviews(engine, 'leafy', 6, job().ctx, 1);
    expect(again.previews[0]!.image).toBe(a.previews[1]!.image);
    const cancelled = new AbortController();
    cancelled.abort(new Error('cancelled'));
    await expect(conceptPreviews(engine, 'leafy', 0, job(cancelled.signal).ctx)).rejects.toThrow('cancelled');
    await expect(conceptPreviews(engine, 'nobody', 0, job().ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 120_000);

  it('GAIR w: Algorithm 1 scores generated images when the instruction model is installed, else retrieval', async () => {
    const clip = (await engine.clip.get('clip-vit-b32'))!;
    const generated = await chooseGairW(engine, clip, 'clip-vit-b32', 'a photo of *leafy');
    expect(generated.method).toBe('generated');
    expect(generated.scores.map((s) => s.w)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(generated.scores.map((s) => s.w)).toContain(generated.w);
    expect(Math.max(...generated.scores.map((s) => s.score))).toBe(generated.scores.find((s) => s.w === generated.w)!.score);
    expect(new Set(generated.scores.map((s) => s.score.toFixed(6))).size).toBeGreaterThan(1);
    expect(await chooseGairW(engine, clip, 'clip-vit-b32', 'a photo of *leafy')).toEqual(generated);

    await rm(join(modelsDir, 'sd15-instruct-pix2pix'), { recursive: true });
    const retrieved = await chooseGairW(engine, clip, 'clip-vit-b32', 'a photo of *leafy');
    expect(retrieved.method).toBe('retrieval');
    expect(retrieved.scores).toHaveLength(11);
    expect(retrieved.proxy).toMatch(/retrieved/);
  }, 180_000);
});
