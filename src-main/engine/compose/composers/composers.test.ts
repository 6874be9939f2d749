import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import manifestJson from '../../../../models/manifest.json';
import { buildCombiner, buildDenoiser, buildGated } from '../../../../models/generators/composers';
import { parseManifest } from '../../models/manifest';
import { ModelStore } from '../../models/model-store';
import { SessionPool } from '../../models/session-pool';
import { ComposerRegistry } from '../composer-registry';
import { sumComposer } from './sum';
import type { Conditions } from './types';

const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
const m = (rows: number, cols: number, values: number[]) => ({ rows, cols, data: Float32Array.from(values) });
const f = (...v: number[]) => Float32Array.from(v);
const W = { image: 1, text: 1, negative: 1 };
const OPTIONS = { steps: 1, seed: 0 };
let modelsDir: string;
let registry: ComposerRegistry;

async function install(id: string, model: Uint8Array, config: object): Promise<void> {
  await mkdir(join(modelsDir, id), { recursive: true });
  await writeFile(join(modelsDir, id, 'composer.onnx'), model);
  await writeFile(join(modelsDir, id, 'config.json'), JSON.stringify({ clip_model: 'clip-vit-b32', input_features: 'normalized', ...config }));
}

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'studio-composer-math-'));
  registry = new ComposerRegistry(() => new ModelStore({ manifest: parseManifest(manifestJson), modelsDir }), pool);
  // By hand (see the expected values below): tp = relu(text₀), ip = relu(image₁), hidden = relu(tp + ip),
  // output layer = [hidden, −hidden], λ = σ(2·tp − 1).
  await install(
    'composer-combiner',
    buildCombiner({
      dim: 2,
      textProjection: m(2, 1, [1, 0]),
      textBias: f(0),
      imageProjection: m(2, 1, [0, 1]),
      imageBias: f(0),
      hidden: m(2, 1, [1, 1]),
      hiddenBias: f(0),
      output: m(1, 2, [1, -1]),
      outputBias: f(0, 0),
      scalarHidden: m(2, 1, [1, 0]),
      scalarHiddenBias: f(0),
      scalarOut: m(1, 1, [2]),
      scalarOutBias: f(-1),
    }),
    { composer: 'combiner', embedding_dim: 2 },
  );
  // g = σ([0, ln 3]) = [½, ¾]; h = gelu([u₀ + 2·u₀v₀, v₁ + ½]); z = [u; v; u⊙v; u−v].
  const transform = new Array(16).fill(0);
  transform[0 * 2 + 0] = 1;
  transform[3 * 2 + 1] = 1;
  transform[4 * 2 + 0] = 2;
  await install('composer-gated', buildGated({ dim: 2, gate: m(8, 2, new Array(16).fill(0)), gateBias: f(0, Math.log(3)), transform: m(8, 2, transform), transformBias: f(0, 0.5) }), {
    composer: 'gated',
    embedding_dim: 2,
  });
  // x̂₀ = c_I·(1 − ½·coverage) + normalize(Σ tokens · [0, 1]), no leak: one DDIM step lands on the guided x̂₀.
  await install('composer-compodiff', buildDenoiser({ dim: 2, hidden: 1, tokenProjection: f(0, 1), leak: 0, numTrainTimesteps: 1000 }), {
    composer: 'compodiff',
    embedding_dim: 2,
    prediction_type: 'sample',
  });
});

const conditions = (over: Partial<Conditions> = {}): Conditions => ({
  dim: 2,
  image: f(0.6, 0.8),
  texts: [{ text: 't', embedding: f(1, 0) }],
  negative: null,
  mask: null,
  ...over,
});

describe('composers against hand-computed values', () => {
  it('sum: w_I·c_I + w_T·c_T − w_N·(negative without its text part), normalized', async () => {
    const q = await sumComposer.compose(
      { dim: 3, image: f(1, 0, 0), texts: [{ text: 't', embedding: f(0, 1, 0) }], negative: { text: 'n', embedding: f(0.6, 0.8, 0) }, mask: null },
      { image: 2, text: 1, negative: 1 },
      OPTIONS,
    );
    // [2, 1, 0] − [0.6, 0, 0] = [1.4, 1, 0] → /√2.96
    [0.8137334712067349, 0.5812381937190965, 0].forEach((v, i) => expect(q[i]!).toBeCloseTo(v, 6));
  });

  it('sum: texts combine as one direction; without a reference the query is the texts, without texts the reference', async () => {
    const texts = [
      { text: 'a', embedding: f(0, 1, 0) },
      { text: 'b', embedding: f(0, 0, 1) },
    ];
    const textOnly = await sumComposer.compose({ dim: 3, image: null, texts, negative: null, mask: null }, W, OPTIONS);
    [0, Math.SQRT1_2, Math.SQRT1_2].forEach((v, i) => expect(textOnly[i]!).toBeCloseTo(v, 6));
    const imageOnly = await sumComposer.compose({ dim: 3, image: f(0, 0.6, 0.8), texts: [], negative: null, mask: null }, W, OPTIONS);
    expect([...imageOnly]).toEqual([...f(0, 0.6, 0.8)]);
  });

  it('combiner: CLIP4Cir’s combine_features', async () => {
    const { composer } = await registry.get('combiner');
    const q = await composer.compose(conditions(), W, OPTIONS);
    // λ = σ(1); out = [1.8, −1.8] + λ·[1, 0] + (1 − λ)·[0.6, 0.8], normalized.
    [0.8617847338862592, -0.5072741590506946].forEach((v, i) => expect(q[i]!).toBeCloseTo(v, 5));
  });

  it('gated fusion: g⊙h + (1 − g)⊙u', async () => {
    const { composer } = await registry.get('gated');
    const q = await composer.compose(conditions(), W, OPTIONS);
    // [½·gelu(1.8) + ½·0.6, ¾·gelu(0.5) + ¼·0.8] = [1.16766, 0.45930], normalized.
    [0.9305957783147579, 0.36604849048008636].forEach((v, i) => expect(q[i]!).toBeCloseTo(v, 5));
  });

  it('compodiff: dual guidance with the negative as the null image condition, "" as the null text, and the mask as a condition', async () => {
    const { composer } = await registry.get('compodiff');
    const base = conditions({
      image: f(1, 0),
      texts: [{ text: 't', embedding: f(0, 1), tokens: { states: f(2), length: 1, hidden: 1 } }],
      negative: { text: 'n', embedding: f(0.6, 0.8) },
      nullText: { text: '', embedding: f(1, 0), tokens: { states: f(0.25), length: 1, hidden: 1 } },
    });
    // The null text's states (0.25) give text = 0.25·[0, 1]/½ = [0, 0.5] in the ∅ rows (zeros would give [0, 0]):
    // o(neg,∅) = [0.6, 1.3], o(c_I,∅) = [1, 0.5], o(c_I,c_T) = [1, 1] → [0.6, 1.3] + 2·[0.4, −0.8] + 3·[0, 0.5] = [1.4, 1.2]
    const q = await composer.compose(base, { image: 2, text: 3, negative: 1 }, OPTIONS);
    [0.7592566, 0.6507914].forEach((v, i) => expect(q[i]!).toBeCloseTo(v, 5));
    // A full mask halves the image conditions: [0.3, 0.9] + 2·([0.5, 0.5] − [0.3, 0.9]) + 3·[0, 0.5] = [0.7, 1.6]
    const masked = await composer.compose({ ...base, mask: new Float32Array(64 * 64).fill(1) }, { image: 2, text: 3, negative: 1 }, OPTIONS);
    [0.40081883, 0.91615733].forEach((v, i) => expect(masked[i]!).toBeCloseTo(v, 5));
    await expect(composer.compose({ ...base, nullText: null }, { image: 2, text: 3, negative: 1 }, OPTIONS)).rejects.toThrow(/empty text/);
  });
});

describe('composer models that do not fit', () => {
  it('refuses a composer trained on another CLIP, or on raw features, with expected-vs-found', async () => {
    const { fits } = await registry.get('combiner');
    expect(() => fits!('clip-vit-b32')).not.toThrow();
    expect(() => fits!('clip-vit-l14')).toThrowError(expect.objectContaining({ code: 'MODEL_MISMATCH', message: expect.stringMatching(/Expected clip-vit-b32, found clip-vit-l14/) }));
    const dir = join(modelsDir, 'raw', 'composer-combiner');
    await mkdir(dir, { recursive: true });
    const raw = new ComposerRegistry(() => new ModelStore({ manifest: parseManifest(manifestJson), modelsDir: join(modelsDir, 'raw') }), pool);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ composer: 'combiner', embedding_dim: 2, clip_model: 'clip4cir-rn50x4', input_features: 'raw' }));
    await writeFile(join(dir, 'composer.onnx'), await (await import('node:fs/promises')).readFile(join(modelsDir, 'composer-combiner', 'composer.onnx')));
    const loaded = await raw.get('combiner');
    expect(() => loaded.fits!('clip4cir-rn50x4')).toThrowError(expect.objectContaining({ message: expect.stringMatching(/raw \(unnormalized\).*Expected raw, found normalized/) }));
    // A config that does not say which CLIP, or which features, is refused when read.
    await writeFile(join(dir, 'config.json'), JSON.stringify({ composer: 'combiner', embedding_dim: 2 }));
    const unnamed = new ComposerRegistry(() => new ModelStore({ manifest: parseManifest(manifestJson), modelsDir: join(modelsDir, 'raw') }), pool);
    await expect(unnamed.get('combiner')).rejects.toMatchObject({ code: 'MODEL_MISMATCH', message: expect.stringMatching(/clip_model/) });
  });

  it('says which composer is missing and how to get it', async () => {
    const empty = new ComposerRegistry(() => new ModelStore({ manifest: parseManifest(manifestJson), modelsDir: tmpdir() + '/nothing-here' }), pool);
    await expect(empty.get('combiner')).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringMatching(/docs\/composed-search\.md/) });
    const list = await empty.list();
    expect(list.find((c) => c.id === 'sum')).toMatchObject({ available: true });
    expect(list.find((c) => c.id === 'compodiff')).toMatchObject({ available: false, reason: expect.stringMatching(/not installed/) });
  });

  it('refuses a module with the wrong signature, a config for another composer, and another embedding size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-composer-bad-'));
    const store = new ModelStore({ manifest: parseManifest(manifestJson), modelsDir: dir });
    const bad = new ComposerRegistry(() => store, new SessionPool({ providers: ['cpu'] }));
    const gated = buildGated({ dim: 2, gate: m(8, 2, new Array(16).fill(0)), gateBias: f(0, 0), transform: m(8, 2, new Array(16).fill(0)), transformBias: f(0, 0) });
    const write = async (id: string, model: Uint8Array, config: object) => {
      await mkdir(join(dir, id), { recursive: true });
      await writeFile(join(dir, id, 'composer.onnx'), model);
      await writeFile(join(dir, id, 'config.json'), JSON.stringify({ clip_model: 'clip-vit-b32', input_features: 'normalized', ...config }));
    };
    await write('composer-combiner', gated, { composer: 'combiner', embedding_dim: 2 });
    const combiner = (await bad.get('combiner')).composer;
    await expect(combiner.compose(conditions(), W, OPTIONS)).rejects.toMatchObject({
      code: 'MODEL_MISMATCH',
      message: expect.stringMatching(/does not fit as Combiner composer.*input image_features is missing/),
    });
    await write('composer-gated', gated, { composer: 'combiner', embedding_dim: 2 });
    await expect(bad.get('gated')).rejects.toMatchObject({ code: 'MODEL_MISMATCH', message: expect.stringMatching(/holds a combiner composer/) });
    await write('composer-gated', gated, { composer: 'gated', embedding_dim: 2 });
    const wide = conditions({ dim: 3, image: f(0, 0.6, 0.8), texts: [{ text: 't', embedding: f(1, 0, 0) }] });
    await expect((await bad.get('gated')).composer.compose(wide, W, OPTIONS)).rejects.toMatchObject({
      code: 'MODEL_MISMATCH',
      message: expect.stringMatching(/composes 2-d embeddings, but the library's CLIP model makes 3-d ones/),
    });
    await writeFile(join(dir, 'composer-gated', 'config.json'), '{ not json');
    const fresh = new ComposerRegistry(() => store, pool);
    await expect(fresh.get('gated')).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringMatching(/not JSON/) });
  });
});
