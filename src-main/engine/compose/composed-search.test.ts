import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ComposedQuerySchema, type ComposedQuery, type ComposedResult } from '@contract';
import manifestJson from '../../../models/manifest.json';
import { fixturePaths } from '../../../models/fixtures';
import type { SceneLabel } from '../../../models/scene-world/generate-world';
import { ClipModel } from '../clip/clip-model';
import { dot } from '../shared/vector';
import { parseManifest } from '../models/manifest';
import { ModelStore } from '../models/model-store';
import { SessionPool } from '../models/session-pool';
import { Uploads } from '../storage/uploads';
import { ComposedSearch } from './composed-search';
import { COMPOSER_MODELS, ComposerRegistry } from './composer-registry';

const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
let labels: SceneLabel[];
let vectors: Float32Array[];
let search: ComposedSearch;
let uploads: Uploads;
let modelsDir: string;
let purpleSquareHash = '';

/** The scene world as a library: item id = index in labels.json, ranked exactly by dot product. */
beforeAll(async () => {
  const clip = await ClipModel.load(paths.sceneClip, pool);
  labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8'));
  vectors = (await clip.encodeImages(labels.map((l) => join(paths.world, l.file)))).map((r) => (r.ok ? r.embedding : new Float32Array(512)));
  modelsDir = await mkdtemp(join(tmpdir(), 'studio-composers-'));
  for (const [id, folder] of Object.entries(paths.composers)) await cp(folder, join(modelsDir, COMPOSER_MODELS[id as keyof typeof COMPOSER_MODELS]), { recursive: true });
  uploads = new Uploads(await mkdtemp(join(tmpdir(), 'studio-up-')));
  const store = new ModelStore({ manifest: parseManifest(manifestJson), modelsDir });
  search = new ComposedSearch({
    servingModel: () => 'clip-vit-b32',
    requireClip: async () => clip,
    storedEmbedding: (id) => vectors[id] ?? null,
    itemPath: (id) => join(paths.world, labels[id]!.file),
    itemsWithContent: (uploadId) => (uploadId === purpleSquareHash ? [find('purple', 'square')] : []),
    uploadPath: (id) => uploads.path(id),
    composers: new ComposerRegistry(() => store, pool),
    defaultComposer: () => 'sum',
    search: async (vector, query, _clip, _model, exclude) => {
      const items = vectors
        .map((v, id) => ({ id, score: dot(v, vector) }))
        .filter((r) => !exclude.has(r.id))
        .sort((a, b) => b.score - a.score)
        .slice(query.offset, query.offset + query.limit)
        .map((r) => ({ id: r.id, path: labels[r.id]!.file, name: labels[r.id]!.file, folder: '', width: 300, height: 240, thumb: null, score: r.score }));
      return { items, mode: 'vector' as const, note: null };
    },
  });
});

const run = (query: ComposedQuery): Promise<ComposedResult> => search.run(ComposedQuerySchema.parse(query));
const find = (color: string, shape: string, k = 0) => labels.findIndex((l) => l.color === color && l.shape === shape && l.file.endsWith(`-${k}.png`));
const top = (result: ComposedResult, n: number) => result.items.slice(0, n).map((i) => labels[i.id]!);

describe('composed search on the scene world', () => {
  it('“this red square” + “as a circle” − “blue” returns the red circles first, with every composer', async () => {
    for (const composer of ['sum', 'combiner', 'gated', 'compodiff'] as const) {
      const result = await run({ reference: { itemId: find('red', 'square') }, conditions: ['as a circle'], negative: 'blue', composer, limit: 10 });
      expect(top(result, 2).map((l) => `${l.color} ${l.shape}`), composer).toEqual(['red circle', 'red circle']);
      expect(result.items.some((i) => i.id === find('red', 'square')), 'the reference itself is left out').toBe(false);
      expect(top(result, 10).filter((l) => l.color === 'blue' && l.shape === 'circle'), `${composer}: no blue circles`).toHaveLength(0);
    }
  });

  it('the weights steer between “like the image” and “like the text”', async () => {
    const ref = find('red', 'square');
    const shares = [];
    for (const text of [0.1, 1, 4]) {
      const result = await run({ reference: { itemId: ref }, conditions: ['a circle'], weights: { image: 1, text }, limit: 8 });
      const picked = top(result, 8);
      const likeImage = result.items.reduce((sum, i) => sum + dot(vectors[i.id]!, vectors[ref]!), 0) / result.items.length;
      shares.push({ circles: picked.filter((l) => l.shape === 'circle').length, likeImage });
    }
    expect(shares[0]!.circles).toBeLessThan(shares[1]!.circles);
    expect(shares[1]!.circles).toBeLessThanOrEqual(shares[2]!.circles);
    expect(shares[2]!.circles).toBe(8);
    expect(shares[0]!.likeImage).toBeGreaterThan(shares[1]!.likeImage);
    expect(shares[1]!.likeImage).toBeGreaterThan(shares[2]!.likeImage);
  });

  it('a negative text lowers the rank of images that match it', async () => {
    const ref = find('green', 'triangle');
    const rankOfBlue = (r: ComposedResult) => r.items.findIndex((i) => labels[i.id]!.color === 'blue');
    const plain = await run({ reference: { itemId: ref }, conditions: ['a circle'], limit: 66 });
    const negated = await run({ reference: { itemId: ref }, conditions: ['a circle'], negative: 'blue', limit: 66 });
    expect(rankOfBlue(negated)).toBeGreaterThan(rankOfBlue(plain) + 5);
  });

  it('order of texts does not matter to sum, and does to the sequential composers: the later text wins', async () => {
    const ref = { itemId: find('green', 'triangle') };
    const ab = await run({ reference: ref, conditions: ['red', 'blue'], composer: 'sum', limit: 66 });
    const ba = await run({ reference: ref, conditions: ['blue', 'red'], composer: 'sum', limit: 66 });
    expect(ab.items.map((i) => i.id)).toEqual(ba.items.map((i) => i.id));
    for (const composer of ['gated', 'compodiff'] as const) {
      const first = await run({ reference: ref, conditions: ['red', 'blue'], composer, limit: 3 });
      const second = await run({ reference: ref, conditions: ['blue', 'red'], composer, limit: 3 });
      expect(top(first, 1)[0]!.color, composer).toBe('blue');
      expect(top(second, 1)[0]!.color, composer).toBe('red');
    }
  });

  it('moving a slider re-ranks from cached conditions; a new text costs one text-encoder call', async () => {
    const ref = { itemId: find('yellow', 'circle') };
    const first = await run({ reference: ref, conditions: ['a large square'], negative: 'black', limit: 5 });
    expect(first.encoded).toEqual({ texts: 2, images: 0 });
    const moved = await run({ reference: ref, conditions: ['a large square'], negative: 'black', weights: { image: 2, text: 0.5 }, limit: 5 });
    expect(moved.encoded).toEqual({ texts: 0, images: 0 });
    expect(moved.items.map((i) => i.id)).not.toEqual(first.items.map((i) => i.id));
    const added = await run({ reference: ref, conditions: ['a large square', 'on the left'], negative: 'black', limit: 5 });
    expect(added.encoded).toEqual({ texts: 1, images: 0 });
  });

  it('a dropped reference is embedded once; compodiff is deterministic for a seed', async () => {
    const id = await uploads.put(await readFile(join(paths.world, labels[find('purple', 'square')]!.file)));
    purpleSquareHash = id;
    const first = await run({ reference: { uploadId: id }, conditions: ['a triangle'], composer: 'compodiff', seed: 3 });
    const again = await run({ reference: { uploadId: id }, conditions: ['a triangle'], composer: 'compodiff', seed: 3 });
    expect(first.encoded.images).toBe(1);
    expect(again.encoded.images).toBe(0);
    expect(again.items.map((i) => i.score)).toEqual(first.items.map((i) => i.score));
    expect(`${top(first, 1)[0]!.color} ${top(first, 1)[0]!.shape}`).toBe('purple triangle');
    expect(first.items.some((i) => i.id === find('purple', 'square')), 'the dropped file is in the library: left out').toBe(false);
  });
});

describe('regions', () => {
  /** A mask PNG covering the shape's bounding box in a 300×240 scene. */
  async function shapeMask(label: SceneLabel): Promise<string> {
    const r = label.radius * 240 * 1.3;
    const [cx, cy] = [label.cx * 300, label.cy * 240];
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="240"><rect width="300" height="240" fill="#000"/><rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}" fill="#fff"/></svg>`;
    return uploads.put(await sharp(Buffer.from(svg)).png().toBuffer());
  }

  it('a region over the shape keeps what is outside it (the background) in the query', async () => {
    const refs = labels.map((l, id) => ({ l, id })).filter(({ l }) => l.background !== 'white');
    let kept = 0;
    let plain = 0;
    for (const { l, id } of refs.slice(0, 8)) {
      const mask = await shapeMask(l);
      const sameBackground = (r: ComposedResult) => top(r, 6).filter((x) => x.background === l.background).length;
      plain += sameBackground(await run({ reference: { itemId: id }, conditions: ['a circle'], limit: 6 }));
      kept += sameBackground(await run({ reference: { itemId: id }, regionUploadId: mask, conditions: ['a circle'], limit: 6 }));
    }
    expect(kept).toBeGreaterThan(plain);
  });

  it('compodiff takes the region as its 64×64 mask condition', async () => {
    const label = labels[find('red', 'square')]!;
    const mask = await shapeMask(label);
    const withRegion = await run({ reference: { itemId: find('red', 'square') }, regionUploadId: mask, conditions: ['a circle'], composer: 'compodiff', limit: 66 });
    const without = await run({ reference: { itemId: find('red', 'square') }, conditions: ['a circle'], composer: 'compodiff', limit: 66 });
    expect(withRegion.items.map((i) => i.score)).not.toEqual(without.items.map((i) => i.score));
    expect(top(withRegion, 1)[0]!.shape).toBe('circle');
  });

  it('refuses an empty region, a region without a reference, and a mask that is not an image', async () => {
    const black = await uploads.put(await sharp({ create: { width: 30, height: 20, channels: 3, background: '#000' } }).png().toBuffer());
    const ref = { itemId: find('red', 'circle') };
    await expect(run({ reference: ref, regionUploadId: black, conditions: ['blue'] })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/region is empty/) });
    await expect(run({ regionUploadId: black, conditions: ['blue'] })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    const text = await uploads.put(new TextEncoder().encode('not an image'));
    await expect(run({ reference: ref, regionUploadId: text, conditions: ['blue'] })).rejects.toMatchObject({ code: 'BAD_IMAGE' });
  });
});

describe('bad input', () => {
  it('needs a reference or a text', async () => {
    await expect(run({})).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: 'Give a reference image, a text, or both.' });
  });
  it('says when a dropped file is gone', async () => {
    await expect(run({ reference: { uploadId: 'f'.repeat(64) }, conditions: ['red'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
