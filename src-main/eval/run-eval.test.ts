import { cp, mkdtemp, readFile, readdir, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../models/fixtures';
import { COMPOSER_MODELS } from '../engine/compose/composer-registry';
import { startEngine, type Services } from '../engine/app-services';
import { EmbeddingCache } from './embedding-cache';
import type { EvalReport } from './eval-context';
import { markdownTable } from './report';
import { runEval } from './run-eval';

const paths = fixturePaths();
let engine: Services;
let cacheDir: string;
const quiet = () => {};
const metric = (report: EvalReport, method: string, name: string) => report.methods.find((m) => m.name === method)!.metrics[name]!;

/** A studio whose CLIP model is the scene fixture and which has every fixture composer installed. */
beforeAll(async () => {
  const modelsDir = await mkdtemp(join(tmpdir(), 'studio-eval-models-'));
  await cp(paths.sceneClip, join(modelsDir, 'clip-vit-b32'), { recursive: true });
  for (const [id, folder] of Object.entries(paths.composers)) await cp(folder, join(modelsDir, COMPOSER_MODELS[id as keyof typeof COMPOSER_MODELS]), { recursive: true });
  engine = await startEngine({ dataDir: await mkdtemp(join(tmpdir(), 'studio-eval-')), modelsDir, host: 'cli' });
  cacheDir = await mkdtemp(join(tmpdir(), 'studio-eval-cache-'));
});
afterAll(() => engine.close());

describe('evaluation on generated sets in the real formats', () => {
  it('CIRR: composing beats the image alone and the text alone on “same shape, other color” and “same color, other shape”', async () => {
    const { report } = await runEval(engine, { dataset: 'cirr', data: paths.eval.cirr, composer: 'all', cache: cacheDir }, quiet);
    expect(report.methods.map((m) => m.name)).toEqual(['text only', 'image only', 'sum', 'combiner', 'gated', 'compodiff']);
    for (const composer of ['sum', 'combiner', 'gated', 'compodiff']) {
      for (const name of ['R@1', 'Rs@1', 'Avg']) {
        expect(metric(report, composer, name), `${composer} ${name}`).toBeGreaterThan(metric(report, 'text only', name) + 20);
        expect(metric(report, composer, name), `${composer} ${name}`).toBeGreaterThan(metric(report, 'image only', name) + 20);
      }
    }
    expect(markdownTable(report)).toMatch(/\| sum \| \d+\.\d \|/);
  });

  it('CIRR test split: writes the test-server submission files (top 50, and top 3 within each img_set)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'studio-eval-sub-'));
    const { report, files } = await runEval(engine, { dataset: 'cirr', data: paths.eval.cirr, split: 'test1', submission: out, cache: cacheDir }, quiet);
    expect(report.methods[0]!.metrics).toEqual({});
    expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual(['recall_submission_sum.json', 'recall_subset_submission_sum.json']);
    const recall = JSON.parse(await readFile(files[0]!, 'utf8'));
    const subset = JSON.parse(await readFile(files[1]!, 'utf8'));
    expect(recall).toMatchObject({ version: 'rc2', metric: 'recall' });
    expect(subset).toMatchObject({ version: 'rc2', metric: 'recall_subset' });
    const pairs = Object.keys(recall).filter((k) => /^\d+$/.test(k));
    expect(pairs).toHaveLength(report.queries);
    const captions = JSON.parse(await readFile(join(paths.eval.cirr, 'captions', 'cap.rc2.test1.json'), 'utf8')) as { pairid: number; reference: string; img_set: { members: string[] } }[];
    for (const c of captions) {
      expect(recall[c.pairid]).toHaveLength(50);
      expect(recall[c.pairid]).not.toContain(c.reference);
      expect(subset[c.pairid]).toHaveLength(3);
      expect(subset[c.pairid].every((id: string) => c.img_set.members.includes(id) && id !== c.reference)).toBe(true);
    }
  });

  it('FashionIQ: Recall@10/@50 per category and averaged; sum beats both baselines', async () => {
    const { report } = await runEval(engine, { dataset: 'fashioniq', data: paths.eval.fashioniq, cache: cacheDir }, quiet);
    expect(report.columns).toEqual(['circle R@10', 'circle R@50', 'square R@10', 'square R@50', 'triangle R@10', 'triangle R@50', 'avg R@10', 'avg R@50', 'Avg']);
    expect(metric(report, 'sum', 'avg R@10')).toBeGreaterThan(metric(report, 'text only', 'avg R@10'));
    expect(metric(report, 'sum', 'avg R@10')).toBeGreaterThan(metric(report, 'image only', 'avg R@10') + 30);
  });

  it('PerVL: the concept’s photos + text, and its learned token, beat the parent word alone (MRR); GAIR is reported', async () => {
    const { report } = await runEval(engine, { dataset: 'pervl', data: paths.eval.pervl, cache: cacheDir }, quiet);
    expect(metric(report, 'concept photos + text (sum)', 'MRR')).toBeGreaterThan(metric(report, 'text only (parent word)', 'MRR') + 30);
    // A token learned from the 3 training photos (no photos at query time) beats the parent word clearly.
    expect(metric(report, 'learned token (k = 16)', 'MRR')).toBeGreaterThan(metric(report, 'text only (parent word)', 'MRR') + 30);
    const gair = report.methods.find((m) => m.name.startsWith('token + GAIR (k = 16; auto w'))!;
    expect(gair.metrics.MRR).toBeGreaterThan(metric(report, 'text only (parent word)', 'MRR'));
    // The subspace of the attribute words ranked by the concept's photos is reported beside the fixed list's.
    expect(metric(report, 'learned token (k = 16, words ranked by the photos)', 'MRR')).toBeGreaterThanOrEqual(metric(report, 'learned token (k = 16)', 'MRR'));
  }, 90_000);

  it('refuses unknown datasets and composers', async () => {
    await expect(runEval(engine, { dataset: 'coco', data: paths.eval.cirr }, quiet)).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(runEval(engine, { dataset: 'cirr', data: paths.eval.cirr, composer: 'magic' }, quiet)).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/Unknown composer “magic”/) });
  });
});

describe('embedding cache', () => {
  it('encodes each image once across runs, and survives a vectors file cut short', async () => {
    const clip = (await engine.clip.get())!;
    let encoded = 0;
    const counting = Object.assign(Object.create(clip), {
      encodeImages: (inputs: string[]) => {
        encoded += inputs.length;
        return clip.encodeImages(inputs);
      },
    });
    const dir = await mkdtemp(join(tmpdir(), 'studio-eval-cache-'));
    const files = (await readdir(paths.world)).filter((f) => f.endsWith('.png')).slice(0, 5).map((f) => join(paths.world, f));
    const first = await (await EmbeddingCache.open(dir, clip)).embed(counting, files);
    expect(encoded).toBe(5);
    const again = await (await EmbeddingCache.open(dir, clip)).embed(counting, files);
    expect(encoded).toBe(5);
    expect(again.map((v) => [...v])).toEqual(first.map((v) => [...v]));
    const [key] = await readdir(dir);
    await truncate(join(dir, key!, 'vectors.f32'), 4 * 512 * 3 + 10);
    await (await EmbeddingCache.open(dir, clip)).embed(counting, files);
    expect(encoded).toBe(7);
  });
});
