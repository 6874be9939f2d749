import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import type { SceneLabel } from '../../../models/scene-world/generate-world';
import { COLOR_NAMES, SHAPES } from '../../../models/scene-world/vocabulary';
import { SessionPool } from '../models/session-pool';
import { ClipModel } from './clip-model';
import { dot } from '../shared/vector';

const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
let clip: ClipModel;
let labels: SceneLabel[];
let images: Float32Array[];

beforeAll(async () => {
  clip = await ClipModel.load(paths.sceneClip, pool);
  labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8'));
  const encoded = await clip.encodeImages(labels.map((l) => join(paths.world, l.file)), { batchSize: 8 });
  images = encoded.map((e) => {
    if (!e.ok) throw new Error(e.error.message);
    return e.embedding;
  });
});
afterAll(() => pool.release());

function rank(query: Float32Array): SceneLabel[] {
  return labels
    .map((label, i) => ({ label, score: dot(query, images[i]!) }))
    .sort((a, b) => b.score - a.score)
    .map((r) => r.label);
}

describe('scene CLIP through the real CLIP code path', () => {
  it('produces L2-normalized 512-d embeddings for images and texts', async () => {
    const [text] = await clip.encodeTexts(['a red circle']);
    expect(text).toHaveLength(512);
    expect(dot(text!, text!)).toBeCloseTo(1, 5);
    expect(dot(images[0]!, images[0]!)).toBeCloseTo(1, 5);
  });

  it('ranks the right images first for every color × shape query (33 queries)', async () => {
    const queries = COLOR_NAMES.flatMap((color) => SHAPES.map((shape) => ({ color, shape, text: `a ${color} ${shape}` })));
    const embeddings = await clip.encodeTexts(queries.map((q) => q.text));
    const failures: string[] = [];
    queries.forEach((q, i) => {
      const relevant = labels.filter((l) => l.color === q.color && l.shape === q.shape).length;
      const top = rank(embeddings[i]!).slice(0, relevant);
      if (!top.every((l) => l.color === q.color && l.shape === q.shape)) failures.push(`${q.text} → ${top.map((l) => l.file).join(', ')}`);
    });
    expect(failures).toEqual([]);
  });

  it('ranks by color alone and by shape alone', async () => {
    const [blue, triangle] = await clip.encodeTexts(['something blue', 'a triangle']);
    expect(rank(blue!).slice(0, 6).every((l) => l.color === 'blue')).toBe(true);
    const topTriangles = rank(triangle!).slice(0, 22);
    expect(topTriangles.filter((l) => l.shape === 'triangle').length).toBeGreaterThanOrEqual(20);
  });

  it('understands position and size words', async () => {
    const [left, large] = await clip.encodeTexts(['a shape on the left', 'a large shape']);
    const leftTop = rank(left!).slice(0, 8);
    expect(leftTop.filter((l) => l.horizontal === 'left').length).toBeGreaterThanOrEqual(6);
    const largeTop = rank(large!).slice(0, 8);
    expect(largeTop.filter((l) => l.size === 'large').length).toBeGreaterThanOrEqual(6);
  });

  it('finds the same scene kind for an image query (image → image)', () => {
    const query = images[0]!; // labels[0]
    const next = rank(query).slice(1, 2)[0]!;
    expect(`${next.color}-${next.shape}`).toBe(`${labels[0]!.color}-${labels[0]!.shape}`);
  });

  it('encodes through token embeddings exactly as through ids, and a learned row moves the result', async () => {
    const encoder = await clip.tokenEmbeddingEncoder();
    const texts = ['a green square', 'a tiny orange dot on the right'];
    const batch = clip.tokenizer.encodeBatch(texts);
    const viaEmbeds = await encoder.encode(batch, encoder.lookUp(batch));
    const viaIds = await clip.encodeTexts(texts);
    viaIds.forEach((v, i) => expect(dot(v, viaEmbeds[i]!)).toBeCloseTo(1, 5));

    // Put the row of "purple" where "green" was: the text now means "a purple square".
    const rows = encoder.lookUp(batch);
    const purple = clip.tokenizer.encode('purple')[1]!;
    rows.set(encoder.table.subarray(purple * encoder.dim, (purple + 1) * encoder.dim), 2 * encoder.dim);
    const [swapped] = await encoder.encode(batch, rows);
    const [purpleSquare] = await clip.encodeTexts(['a purple square']);
    expect(dot(swapped!, purpleSquare!)).toBeCloseTo(1, 4);
  });

  it('reports an unreadable image per item and still encodes the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-clip-'));
    const bad = join(dir, 'broken.png');
    await writeFile(bad, 'nope');
    const results = await clip.encodeImages([join(paths.world, labels[0]!.file), bad]);
    expect(results[0]!.ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'BAD_IMAGE' } });
  });

  it('stops between batches when cancelled', async () => {
    const controller = new AbortController();
    const files = labels.map((l) => join(paths.world, l.file));
    let batches = 0;
    const run = clip.encodeImages(files, {
      batchSize: 4,
      signal: controller.signal,
      onProgress: () => {
        if (++batches === 2) controller.abort(new Error('cancelled by test'));
      },
    });
    await expect(run).rejects.toThrow('cancelled by test');
    expect(batches).toBe(2);
  });
});
