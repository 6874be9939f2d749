import { join } from 'node:path';
import { AppError, type ComposeWeights, type ComposerId, type ComposerInfo } from '@contract';
import type { ModelStore } from '../models/model-store';
import type { SessionPool } from '../models/session-pool';
import { AsyncCache } from '../shared/async-cache';
import { compodiffComposer } from './composers/compodiff';
import { checkComposerFits, readComposerConfig, type ComposerConfig } from './composers/config';
import { pairwiseComposer } from './composers/pairwise';
import { sumComposer } from './composers/sum';
import type { Composer } from './composers/types';

/** The manifest entry that holds each learned composer. */
export const COMPOSER_MODELS: Record<Exclude<ComposerId, 'sum'>, string> = {
  combiner: 'composer-combiner',
  gated: 'composer-gated',
  compodiff: 'composer-compodiff',
};

const DESCRIPTIONS: Record<ComposerId, { title: string; description: string }> = {
  sum: { title: 'Sum', description: 'CLIP4Cir’s baseline: the weighted sum of the image and text embeddings. Works with any CLIP model.' },
  combiner: { title: 'Combiner', description: 'CLIP4Cir’s Combiner network: learned projections and a dynamic mix of image and text.' },
  gated: { title: 'Gated fusion', description: 'CDD-ICM’s gated fusion, applied once per text in order: later texts act on the result of earlier ones.' },
  compodiff: { title: 'CompoDiff', description: 'A diffusion model that edits the image embedding by the texts, with a region mask and negative text as conditions.' },
};

export interface LoadedComposer {
  composer: Composer;
  defaults: { weights: ComposeWeights; steps: number | null };
  /** compodiff: the token length its text input wants. */
  tokenLength?: () => Promise<number | undefined>;
  /** Checks the composer against the CLIP model the library searches with (trained on its features, normalized). */
  fits?: (servingModel: string) => void;
}

const PLAIN_DEFAULTS = { weights: { image: 1, text: 1, negative: 1 }, steps: null };

/** Finds, checks and loads composers: sum is built in; the others are ONNX modules in the models folder. */
export class ComposerRegistry {
  private readonly loaded = new AsyncCache<string, LoadedComposer>();

  constructor(
    private readonly models: () => ModelStore,
    private readonly pool: SessionPool,
  ) {}

  async get(id: ComposerId): Promise<LoadedComposer> {
    if (id === 'sum') return { composer: sumComposer, defaults: PLAIN_DEFAULTS };
    const dir = this.models().require(COMPOSER_MODELS[id]);
    return this.loaded.get(`${id}:${dir}`, () => this.load(id, dir));
  }

  private async load(id: Exclude<ComposerId, 'sum'>, dir: string): Promise<LoadedComposer> {
    const config = await readComposerConfig(dir);
    if (config.composer !== id) {
      throw new AppError('MODEL_MISMATCH', `${dir} holds a ${config.composer} composer, not a ${id} one (config.json “composer”).`, { dir });
    }
    const file = join(dir, 'composer.onnx');
    const defaults = defaultsOf(config);
    if (id === 'compodiff') {
      const composer = compodiffComposer(file, config, this.pool);
      return { composer, defaults, tokenLength: composer.tokenLength, fits: (serving) => checkComposerFits(config, dir, serving) };
    }
    return { composer: pairwiseComposer(id, file, config.embedding_dim, this.pool), defaults, fits: (serving) => checkComposerFits(config, dir, serving) };
  }

  /** Every composer with whether it can run now and why not. */
  async list(): Promise<ComposerInfo[]> {
    const out: ComposerInfo[] = [];
    for (const id of Object.keys(DESCRIPTIONS) as ComposerId[]) {
      try {
        const { defaults } = await this.get(id);
        out.push({ id, ...DESCRIPTIONS[id], available: true, reason: null, defaults });
      } catch (error) {
        out.push({ id, ...DESCRIPTIONS[id], available: false, reason: (error as Error).message, defaults: PLAIN_DEFAULTS });
      }
    }
    return out;
  }
}

function defaultsOf(config: ComposerConfig): LoadedComposer['defaults'] {
  const weights = config.default_weights ?? (config.composer === 'compodiff' ? { image: 1.5, text: 7.5 } : { image: 1, text: 1 });
  return { weights: { ...weights, negative: 1 }, steps: config.composer === 'compodiff' ? config.default_steps : null };
}
