import { join } from 'node:path';
import { AppError, ComposerIdSchema, type ComposerId } from '@contract';
import type { Services } from '../engine/app-services';
import { DEFAULT_DIMENSIONS } from '../engine/concepts/concepts';
import { EmbeddingCache } from './embedding-cache';
import type { EvalReport } from './eval-context';
import { evaluateCirr, evaluateFashionIq, evaluatePervl } from './evaluate';
import { loadCirr } from './formats/cirr';
import { loadFashionIq } from './formats/fashioniq';
import { loadPervl } from './formats/pervl';
import { writeCirrSubmission } from './report';

export interface EvalArgs {
  dataset: string;
  data: string;
  split?: string | undefined;
  images?: string | undefined;
  /** Comma-separated composer ids, or "all" for every installed one. */
  composer?: string | undefined;
  weights?: { image: number; text: number } | undefined;
  steps?: number | undefined;
  limit?: number | undefined;
  categories?: string[] | undefined;
  /** CIRR: where to write the test-server submission files. */
  submission?: string | undefined;
  cache?: string | undefined;
  /** PerVL: the concept subspace's dimension (default: the studio's). */
  dimensions?: number | undefined;
}

/** What an evaluation uses of the studio: its CLIP model, composers, concepts' attribute spaces and data folder. */
export type EvalEngine = Pick<Services, 'clip' | 'composers' | 'settings' | 'app'> & { concepts: Pick<Services['concepts'], 'space' | 'rankedSpace'> };

async function composerIds(engine: EvalEngine, spec: string | undefined): Promise<ComposerId[]> {
  if (spec === 'all') return (await engine.composers.list()).filter((c) => c.available).map((c) => c.id);
  const ids = (spec ?? engine.settings.view().effective.composer).split(',').map((s) => s.trim());
  return ids.map((id) => {
    const parsed = ComposerIdSchema.safeParse(id);
    if (!parsed.success) throw new AppError('INVALID_PARAMS', `Unknown composer “${id}”; use ${ComposerIdSchema.options.join(', ')} or all.`);
    return parsed.data;
  });
}

/** Runs one evaluation with the studio's CLIP model and composers; writes CIRR submission files when asked. */
export async function runEval(engine: EvalEngine, args: EvalArgs, log: (line: string) => void): Promise<{ report: EvalReport; files: string[] }> {
  const clip = await engine.clip.require();
  const ids = await composerIds(engine, args.composer);
  for (const id of ids) await engine.composers.get(id);
  const ctx = {
    clip,
    clipModel: engine.settings.view().effective.clipModel,
    composers: engine.composers,
    cache: await EmbeddingCache.open(args.cache ?? join(engine.app.dataDir, 'cache', 'eval'), clip),
    composerIds: ids,
    weights: args.weights,
    steps: args.steps,
    limit: args.limit,
    log,
    concepts: { space: (c: typeof clip, k: number) => engine.concepts.space(c, k), rankedSpace: (c: typeof clip, k: number, parent: string, photos: Float32Array[]) => engine.concepts.rankedSpace(c, k, parent, photos), dimensions: args.dimensions ?? DEFAULT_DIMENSIONS, seed: 0 },
  };
  let report: EvalReport;
  if (args.dataset === 'cirr') report = await evaluateCirr(await loadCirr(args.data, args.split ?? 'val', args.images), ctx);
  else if (args.dataset === 'fashioniq') report = await evaluateFashionIq(await loadFashionIq(args.data, args.split ?? 'val', args.images, args.categories), args.split ?? 'val', ctx);
  else if (args.dataset === 'pervl') report = await evaluatePervl(await loadPervl(args.data), ctx);
  else throw new AppError('INVALID_PARAMS', `Unknown dataset “${args.dataset}”; use cirr, fashioniq or pervl.`);
  const files = args.submission && report.dataset === 'cirr' ? await writeCirrSubmission(report, ids[0]!, args.submission) : [];
  return { report, files };
}
