import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Concept } from '@contract';
import { fixturePaths } from '../../../models/fixtures';
import { startEngine, type Services } from '../app-services';

const paths = fixturePaths();
const images = join(paths.eval.pervl, 'images');
let engine: Services;
let photos: string;
let modelsDir: string;

async function teach(name: string, files: string[], parent = 'circle'): Promise<Concept> {
  const uploads = await Promise.all(files.map(async (f) => ({ uploadId: await engine.uploads.put(await (await import('node:fs/promises')).readFile(join(photos, f))) })));
  const job = await engine.concepts.teach({ name, parent, photos: uploads });
  const done = await engine.jobs.settled(job.id);
  if (done.state !== 'done') throw new Error(`${done.state}: ${done.error?.message}`);
  return done.result as Concept;
}

/** A studio with the scene CLIP and the PerVL-style set's pictures as its library. */
beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'studio-concepts-models-'));
  await cp(paths.sceneClip, join(modelsDir, 'clip-vit-b32'), { recursive: true });
  photos = await mkdtemp(join(tmpdir(), 'studio-concepts-photos-'));
  await cp(images, photos, { recursive: true });
  engine = await startEngine({ dataDir: await mkdtemp(join(tmpdir(), 'studio-concepts-')), modelsDir, host: 'cli' });
  engine.library.addRoot(photos);
  const done = await engine.jobs.settled(engine.library.refresh().id);
  expect(done.state).toBe('done');
});
afterAll(() => engine.close());

describe('personal concepts in the studio', () => {
  it('teaches *sunny from 3 photos; "*sunny" then finds its other photos first, in search and composed search', async () => {
    const progress: number[] = [];
    const off = engine.events.subscribe((e) => e.topic === 'concepts.progress' && progress.push(e.payload.generation));
    const concept = await teach('sunny', ['sunny-0.png', 'sunny-1.png', 'sunny-2.png']);
    off();
    expect(concept).toMatchObject({ name: 'sunny', parent: 'circle', model: 'clip-vit-b32', tokens: { clip: true, stableDiffusion: false } });
    expect(concept.attributes.slice(0, 3).map((a) => a.word)).toContain('yellow');
    expect(concept.photos).toHaveLength(3);
    expect(progress[0]).toBe(1);
    const result = await engine.search.search({ text: 'a photo of *sunny', limit: 6 });
    expect(result.items.slice(0, 6).every((i) => /sunny-\d\.png$/.test(i.name))).toBe(true);
    const composed = await engine.search.compose({ reference: null, regionUploadId: null, conditions: ['*sunny'], negative: '', seed: 0, excludeReference: true, limit: 3, offset: 0 });
    expect(composed.items.every((i) => /sunny-\d\.png$/.test(i.name))).toBe(true);
  });

  it('GAIR: w moves the results between the token and its attribute words, without re-encoding', async () => {
    const clip = (await engine.clip.get())!;
    let encodes = 0;
    const original = clip.encodeTexts.bind(clip);
    clip.encodeTexts = (texts, batch) => {
      encodes++;
      return original(texts, batch);
    };
    const at = async (gairW: number) => (await engine.search.search({ text: 'a photo of *sunny on the left', gairW, limit: 20 })).items.map((i) => `${i.name}:${i.score!.toFixed(4)}`);
    const one = await at(1);
    const before = encodes;
    const zero = await at(0);
    const half = await at(0.5);
    expect(encodes).toBe(before);
    expect(zero).not.toEqual(one);
    expect(half).not.toEqual(zero);
    clip.encodeTexts = original;
    const auto = await engine.concepts.autoGair(clip, 'clip-vit-b32', 'a photo of *sunny');
    expect(auto.scores).toHaveLength(11);
    expect(auto.w).toBeGreaterThanOrEqual(0);
    expect(auto.proxy).toMatch(/retrieved/);
  });

  it('exports to a small file, imports under another name, renames and deletes', async () => {
    const [sunny] = engine.concepts.list().filter((c) => c.name === 'sunny');
    const file = engine.concepts.exportFile(sunny!.id);
    expect(JSON.stringify(file).length).toBeLessThan(20_000);
    await expect(engine.concepts.importFile(file)).rejects.toMatchObject({ code: 'CONFLICT' });
    const copy = await engine.concepts.importFile(JSON.parse(JSON.stringify(file)), 'sunnier');
    const a = await engine.search.search({ text: '*sunny', limit: 5 });
    const b = await engine.search.search({ text: '*sunnier', limit: 5 });
    expect(b.items.map((i) => i.id)).toEqual(a.items.map((i) => i.id));
    expect(engine.concepts.rename(copy.id, 'Sunniest').name).toBe('sunniest');
    engine.concepts.remove(copy.id);
    await expect(engine.search.search({ text: '*sunniest' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/No concept “\*sunniest”/) });
    await expect(engine.concepts.importFile({ format: 'other' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    // A token of the wrong size, or with NaN in it, is refused before anything is stored.
    const bytes = Buffer.from(file.embedding, 'base64');
    const token = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
    const short = { ...file, embedding: Buffer.from(token.slice(0, 8).buffer).toString('base64') };
    await expect(engine.concepts.importFile(short, 'short')).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/has 8 numbers/) });
    const broken = token.slice();
    broken[3] = Number.NaN;
    await expect(engine.concepts.importFile({ ...file, embedding: Buffer.from(broken.buffer).toString('base64') }, 'nan')).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/not finite/) });
    expect(engine.concepts.list().map((c) => c.name)).not.toContain('short');
  });

  it('refuses bad teaching requests clearly, and a cancelled teaching stores nothing', async () => {
    const up = async (f: string) => ({ uploadId: await engine.uploads.put(await (await import('node:fs/promises')).readFile(join(photos, f))) });
    const three = await Promise.all(['plum-0.png', 'plum-1.png', 'plum-2.png'].map(up));
    await expect(engine.concepts.teach({ name: 'plum', parent: 'circle', photos: three.slice(0, 2) })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/3 to 5 photos of it \(2 given\)/) });
    await expect(engine.concepts.teach({ name: 'plum', parent: 'circle', photos: [...three, ...three] })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/3 to 5 photos of it \(6 given\)/) });
    await expect(engine.concepts.teach({ name: 'plum', parent: 'circle', photos: [three[0]!, three[1]!, three[0]!] })).rejects.toMatchObject({ message: expect.stringMatching(/Photos 1 and 3 are the same picture/) });
    await expect(engine.concepts.teach({ name: 'plum', parent: 'round thing', photos: three })).rejects.toMatchObject({ message: expect.stringMatching(/“round thing” is 2 tokens/) });
    await expect(engine.concepts.teach({ name: 'sunny', parent: 'circle', photos: three })).rejects.toMatchObject({ code: 'CONFLICT' });
    const broken = join(photos, 'broken.png');
    await writeFile(broken, 'not a picture');
    const bad = await engine.concepts.teach({ name: 'plum', parent: 'circle', photos: [three[0]!, three[1]!, { uploadId: await engine.uploads.put(Buffer.from('not a picture')) }] });
    const badError = (await engine.jobs.settled(bad.id)).error;
    expect(badError).toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(/Photo 3 \(a dropped picture\)/) });
    // A dropped photo is never named by its path inside the data folder.
    expect(badError?.message).not.toContain(engine.app.dataDir);
    const job = await engine.concepts.teach({ name: 'plum', parent: 'circle', photos: three });
    const off = engine.events.subscribe((e) => {
      if (e.topic === 'concepts.progress' && e.payload.jobId === job.id && e.payload.generation === 2) engine.jobs.cancel(job.id);
    });
    expect((await engine.jobs.settled(job.id)).state).toBe('cancelled');
    off();
    expect(engine.concepts.list().map((c) => c.name)).not.toContain('plum');
  });

  it('generates parent-class negatives with the text-to-image model when asked, and says when it is missing', async () => {
    const up = async (f: string) => ({ uploadId: await engine.uploads.put(await (await import('node:fs/promises')).readFile(join(photos, f))) });
    const three = await Promise.all(['brick-0.png', 'brick-1.png', 'brick-2.png'].map(up));
    const missing = await engine.concepts.teach({ name: 'brick', parent: 'square', photos: three, generateNegatives: true });
    expect((await engine.jobs.settled(missing.id)).error).toMatchObject({ code: 'MODEL_MISSING', message: expect.stringMatching(/Stable Diffusion 1\.5/) });
    await cp(paths.sd.text2img, join(modelsDir, 'sd15-text2img'), { recursive: true });
    const job = await engine.concepts.teach({ name: 'brick', parent: 'square', photos: three, generateNegatives: true });
    const done = await engine.jobs.settled(job.id);
    expect(done.state).toBe('done');
    expect((done.result as Concept).stats.generatedNegatives).toBe(4);
  });

  it('an edit instruction names a concept by its attribute words (the SD text encoder has no token)', () => {
    const { text, replaced } = engine.concepts.describe('put *sunny on the desk');
    expect(replaced).toEqual(['sunny']);
    expect(text).toMatch(/^put \w+ \w+ circle on the desk$/);
  });

  it('adds photos to *sunny and retrains it; a cancelled retraining keeps the old token, bad requests are refused', async () => {
    const up = async (f: string) => ({ uploadId: await engine.uploads.put(await (await import('node:fs/promises')).readFile(join(photos, f))) });
    const sunny = engine.concepts.list().find((c) => c.name === 'sunny')!;
    const before = engine.concepts.exportFile(sunny.id).embedding;
    const more = await Promise.all(['sunny-3.png', 'sunny-4.png'].map(up));

    const cancelled = await engine.concepts.addPhotos({ id: sunny.id, photos: more, seed: 3 });
    const off = engine.events.subscribe((e) => {
      if (e.topic === 'concepts.progress' && e.payload.jobId === cancelled.id && e.payload.generation === 2) engine.jobs.cancel(cancelled.id);
    });
    expect((await engine.jobs.settled(cancelled.id)).state).toBe('cancelled');
    off();
    expect(engine.concepts.exportFile(sunny.id).embedding).toBe(before);
    expect(engine.concepts.list().find((c) => c.id === sunny.id)!.photos).toHaveLength(3);

    const job = await engine.concepts.addPhotos({ id: sunny.id, photos: more, seed: 3 });
    const done = await engine.jobs.settled(job.id);
    expect(done.state, done.error?.message).toBe('done');
    const retrained = done.result as Concept;
    expect(retrained).toMatchObject({ id: sunny.id, name: 'sunny', parent: 'circle' });
    expect(retrained.photos).toHaveLength(5);
    expect(engine.concepts.photoFiles('sunny')!.map((p) => p.sha256)).toHaveLength(5);
    expect(engine.concepts.exportFile(sunny.id).embedding).not.toBe(before);
    expect(engine.concepts.list().filter((c) => c.name === 'sunny')).toHaveLength(1);
    const result = await engine.search.search({ text: 'a photo of *sunny', limit: 5 });
    expect(result.items.every((i) => /sunny-\d\.png$/.test(i.name))).toBe(true);

    // A photo it already has, too many in all, an unknown concept, and one with no stored photos are refused up front.
    await expect(engine.concepts.addPhotos({ id: sunny.id, photos: [await up('sunny-0.png')] })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/same picture/) });
    const four = await Promise.all(['plum-0.png', 'plum-1.png', 'plum-2.png', 'brick-0.png'].map(up));
    await expect(engine.concepts.addPhotos({ id: sunny.id, photos: four })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/add at most 3 more \(8 in all\)/) });
    await expect(engine.concepts.addPhotos({ id: 99_999, photos: more })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const imported = await engine.concepts.importFile(engine.concepts.exportFile(sunny.id), 'sunnycopy');
    await expect(engine.concepts.addPhotos({ id: imported.id, photos: more })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    engine.concepts.remove(imported.id);

    // The startup sweep of old uploads keeps the photos concepts were taught with; one that is gone anyway is named.
    expect(engine.concepts.photoHashes()).toEqual(expect.arrayContaining(engine.concepts.photoFiles('sunny')!.map((p) => p.sha256)));
    const brick = engine.concepts.list().find((c) => c.name === 'brick')!;
    const [first] = engine.concepts.photoFiles('brick')!;
    await rm(first!.path);
    await expect(engine.concepts.addPhotos({ id: brick.id, photos: [await up('brick-3.png')] })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/is gone/) });
  });
});
