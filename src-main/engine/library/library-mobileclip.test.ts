import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import type { SceneLabel } from '../../../models/scene-world/generate-world';
import { ClipModel } from '../clip/clip-model';
import { dot } from '../shared/vector';
import { encodeWithTokens } from '../concepts/concept-text';
import { JobRunner } from '../jobs/runner';
import { SessionPool } from '../models/session-pool';
import { openDatabase } from '../storage/db';
import { Library, type RefreshSummary } from './library';

// The MobileCLIP-layout fixture (256 px, no mean/std, fixed-length input_ids) through the same library code as CLIP.
const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
const runner = new JobRunner();
let clip: ClipModel;
let library: Library;
let labels: SceneLabel[];
let summary: RefreshSummary;

beforeAll(async () => {
  clip = await ClipModel.load(paths.sceneMobileClip, pool);
  labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8'));
  const photos = await mkdtemp(join(tmpdir(), 'studio-mobile-photos-'));
  const data = await mkdtemp(join(tmpdir(), 'studio-mobile-lib-'));
  // Neutral names, so only the image vectors can find them.
  for (const [i, l] of labels.entries()) await copyFile(join(paths.world, l.file), join(photos, `photo-${i}.png`));
  await mkdir(join(data, 'thumbs'));
  library = new Library({ db: openDatabase(join(data, 'library.db')), thumbDir: join(data, 'thumbs'), vectorsDir: join(data, 'vectors'), model: () => ({ id: 'scene-mobileclip', load: async () => clip }) });
  library.addRoot(photos);
  const job = runner.submit({ kind: 'library.refresh', label: 'Index' }, (ctx) => library.refresh(ctx));
  const done = await runner.settled(job.id);
  if (done.state !== 'done') throw new Error(`refresh ${done.state}: ${done.error?.message}`);
  summary = done.result as RefreshSummary;
});
afterAll(() => pool.release());

const labelOf = (name: string) => labels[Number(/photo-(\d+)\.png/.exec(name)![1])]!;

describe('MobileCLIP-layout model in the library', () => {
  it('reads its own preprocessing and fixed text length', async () => {
    expect(clip.preprocess).toMatchObject({ width: 256, height: 256, normalize: null, resample: 'linear', rescale: 1 / 255 });
    expect(summary).toMatchObject({ indexed: labels.length, embedded: labels.length, failed: 0 });
    const [a, b] = await clip.encodeTexts(['a red circle', 'a red circle with a long tail of words that pads differently']);
    expect(a).toHaveLength(512);
    expect(b).toHaveLength(512);
  });

  it('finds the right images by text for color × shape queries', async () => {
    for (const [color, shape] of [['red', 'circle'], ['green', 'triangle'], ['yellow', 'square'], ['blue', 'circle']] as const) {
      const relevant = labels.filter((l) => l.color === color && l.shape === shape).length;
      const { items, mode } = await library.search({ text: `a ${color} ${shape}`, limit: relevant }, clip);
      expect(mode).toBe('vector');
      expect(items.map((i) => labelOf(i.name)).every((l) => l.color === color && l.shape === shape)).toBe(true);
    }
  });

  it('finds more like an item among its own color and shape', async () => {
    const [first] = (await library.search({ text: 'a purple circle', limit: 1 }, clip)).items;
    const like = await library.search({ likeId: first!.id, limit: 3 }, clip);
    expect(like.items[0]!.id).toBe(first!.id);
    expect(like.items.every((i) => labelOf(i.name).shape === 'circle')).toBe(true);
  });

  it('encodes through the token-embedding input (concepts) padded to its fixed length, as plain text encodes', async () => {
    const encoder = await clip.tokenEmbeddingEncoder();
    expect(encoder.length).toBe(77);
    const [viaEmbeddings] = await encodeWithTokens(encoder, clip.tokenizer, [{ text: 'a green triangle', tokens: [] }]);
    const [plain] = await clip.encodeTexts(['a green triangle']);
    expect(dot(viaEmbeddings!, plain!)).toBeCloseTo(1, 5);
  });
});
