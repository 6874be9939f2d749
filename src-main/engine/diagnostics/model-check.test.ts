import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { xenovaClipLayout } from '../../../models/repo-layouts';
import { GraphBuilder } from '../models/onnx/graph-builder';
import { loadManifest } from '../models/manifest';
import { ModelStore } from '../models/model-store';
import { SessionPool } from '../models/session-pool';
import { checkModel } from './model-check';

/** `models check` on the fixtures laid out under the real models' ids, and on fixtures broken in the ways it must catch. */
const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
let store: ModelStore;
let modelsDir: string;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'studio-check-'));
  await xenovaClipLayout(paths.sceneClip, join(modelsDir, 'clip-vit-b32'));
  await cp(paths.sd.instruct, join(modelsDir, 'sd15-instruct-pix2pix'), { recursive: true });
  await cp(paths.sd.text2img, join(modelsDir, 'sd15-text2img'), { recursive: true });
  store = new ModelStore({ manifest: await loadManifest(join(process.cwd(), 'models', 'manifest.json')), modelsDir });
});
afterAll(() => pool.release());

/** A copy of a fixture folder under another model id, with one file replaced. */
async function broken(id: string, from: string, file: string, data: Uint8Array | string): Promise<ModelStore> {
  const dir = await mkdtemp(join(tmpdir(), 'studio-broken-'));
  await cp(from, join(dir, id), { recursive: true });
  await writeFile(join(dir, id, file), data);
  return new ModelStore({ manifest: await loadManifest(join(process.cwd(), 'models', 'manifest.json')), modelsDir: dir });
}

describe('models check', () => {
  it('passes the fixtures laid out under the real ids, with figures, and stores the result for Settings', async () => {
    const clip = await checkModel('clip-vit-b32', { store, pool });
    expect(clip).toMatchObject({ ok: true, failures: [], variant: 'int8', realWeights: false });
    expect(clip.figures.imagesPerSecond).toBeGreaterThan(0);
    expect(clip.figures.zeroShotTop1).toBeGreaterThanOrEqual(0);
    expect(clip.figures.tokenizerCases).toBeGreaterThanOrEqual(6);
    // Placed by hand, not downloaded from the pinned commit: the manifest's quality figure is reported, not held.
    expect(clip.notes.join(' ')).toContain("not held to the manifest's 0.9");
    expect(store.status('clip-vit-b32').check).toMatchObject({ ok: true, figures: { imagesPerSecond: clip.figures.imagesPerSecond } });

    const edit = await checkModel('sd15-instruct-pix2pix', { store, pool });
    expect(edit).toMatchObject({ ok: true, figures: { size: 256 } });
    expect(typeof edit.figures.saturationDrop).toBe('number');
    expect(edit.figures.secondsPerStep).toBeGreaterThan(0);
    expect((await checkModel('sd15-text2img', { store, pool })).ok).toBe(true);
  });

  it('fails a CLIP model whose tokenizer gives other ids than the reference', async () => {
    const tokenizer = JSON.parse(await readFile(join(paths.sceneClip, 'tokenizer.json'), 'utf8'));
    const vocab = tokenizer.model.vocab as Record<string, number>;
    [vocab['cat</w>'], vocab['dog</w>']] = [vocab['dog</w>']!, vocab['cat</w>']!];
    const bad = await broken('clip-vit-b32', paths.sceneClip, 'tokenizer.json', JSON.stringify(tokenizer));
    const check = await checkModel('clip-vit-b32', { store: bad, pool });
    expect(check.ok).toBe(false);
    expect(check.failures.join(' ')).toMatch(/tokenizer: “a photo of a cat” gives \[49406 320 1125 539 320 1929 49407\]/);
  });

  it('fails a model that does not load, and an SD folder whose UNet is of another kind', async () => {
    const truncated = (await readFile(join(paths.sceneClip, 'onnx', 'vision_model.onnx'))).subarray(0, 500);
    const clip = await checkModel('clip-vit-b32', { store: await broken('clip-vit-b32', paths.sceneClip, 'onnx/vision_model.onnx', truncated), pool });
    expect(clip.failures.join(' ')).toMatch(/does not load or run/);
    const wrongKind = await broken('sd15-instruct-pix2pix', paths.sd.text2img, 'model_index.json', '{}');
    expect((await checkModel('sd15-instruct-pix2pix', { store: wrongKind, pool })).failures.join(' ')).toContain('is a text2img UNet, not the instruct one');
  });

  it('fails an SD model whose VAE decoder returns NaN', async () => {
    const g = new GraphBuilder('nan-vae');
    const latents = g.input('latent_sample', 'float', [1, 4, 'h', 'w']);
    const negative = g.op('Sub', [g.op('Neg', [g.op('Abs', [latents])]), g.constF(1)]);
    g.op('Sqrt', [negative], {}, 'sample');
    g.output('sample', 'float', [1, 4, 'h', 'w']);
    const bad = await broken('sd15-text2img', paths.sd.text2img, 'vae_decoder/model.onnx', g.build());
    const check = await checkModel('sd15-text2img', { store: bad, pool });
    expect(check).toMatchObject({ ok: false, failures: ['VAE decoder: NaN or infinite values'] });
  });

  it('says a model that is not installed fails, without storing anything', async () => {
    const check = await checkModel('clip-vit-l14', { store, pool });
    expect(check).toMatchObject({ ok: false, failures: [expect.stringContaining('not installed')] });
    expect(store.status('clip-vit-l14').check).toBeNull();
  });
});
