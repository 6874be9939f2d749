import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtures } from '../../models/fixtures';
import { COMPOSER_MODELS } from '../../src-main/engine/compose/composer-registry';
import { startEngine } from '../../src-main/engine/app-services';
import { callDirect, createDispatcher } from '../../src-main/host/dispatcher';
import { serviceHandlers } from '../../src-main/host/handlers';
import { measure, type Sample } from '../measure';
import { syntheticLibrary } from './cold-start';
import type { Figure } from './figure';

/**
 * Composed search on a 100k-photo library through the contract (validation included): a weight change re-ranks from
 * cached conditions; a new text costs one text-encoder call; each composer side by side, against plain "more like this".
 */
export async function composedSearch(log: (l: string) => void, count = 100_000): Promise<{ samples: Sample[]; figures: Figure[] }> {
  const paths = await ensureFixtures();
  const dataDir = await syntheticLibrary(count, log);
  const modelsDir = await mkdtemp(join(tmpdir(), 'studio-bench-compose-models-'));
  await cp(paths.sceneClip, join(modelsDir, 'clip-vit-b32'), { recursive: true });
  for (const [id, folder] of Object.entries(paths.composers)) await cp(folder, join(modelsDir, COMPOSER_MODELS[id as keyof typeof COMPOSER_MODELS]), { recursive: true });
  const engine = await startEngine({ dataDir, modelsDir, host: 'cli' });
  const dispatch = createDispatcher(serviceHandlers(engine));
  const reference = { itemId: 42 };
  let i = 0;
  const slider = () => ({ image: 0.5 + (i++ % 20) / 10, text: 1, negative: 1 });
  const compose = (extra: object) => callDirect(dispatch, 'search.compose', { reference, conditions: ['a red circle'], negative: 'blue', limit: 60, ...extra });
  await compose({}); // opens the 100k index and fills the condition cache
  log('bench: composed search on the synthetic 100k library');
  const samples: Sample[] = [];
  samples.push(await measure('composed search 100k', 'more like this (library.search, baseline)', () => callDirect(dispatch, 'library.search', { likeId: 42, limit: 60 }), 200, 20));
  samples.push(await measure('composed search 100k', 'sum: weight change (cached conditions)', () => compose({ weights: slider() }), 200, 20));
  samples.push(await measure('composed search 100k', 'sum: a new text (one text-encoder call)', () => compose({ conditions: ['a red circle', `variant ${i++}`] }), 100, 10));
  for (const composer of ['combiner', 'gated', 'compodiff'] as const) {
    samples.push(await measure('composed search 100k', `${composer}: weight change`, () => compose({ composer, weights: slider() }), 100, 10));
  }
  samples.push(await measure('composed search 100k', 'compodiff: weight change, 50 steps', () => compose({ composer: 'compodiff', steps: 50, weights: slider() }), 50, 5));
  const check = await compose({ weights: slider() });
  await engine.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(modelsDir, { recursive: true, force: true });
  const sum = samples[1]!;
  return {
    samples,
    figures: [
      {
        name: `weight change → new results, sum composer, ${count / 1000}k library (p95; encoder calls: ${check.encoded.texts + check.encoded.images})`,
        value: sum.p95Ms,
        unit: 'ms',
        target: '< 50',
      },
    ],
  };
}
