import { type Dispatch, callDirect } from '../host/dispatcher';
import type { Services } from '../engine/app-services';
import { type Options, numberOf, print, searchFilters, str, upload, weightsOf } from './shared';

/** Whether search was asked for a composed query (any of its options given). */
export function isComposed(values: Options['values']): boolean {
  return ['text', 'negative', 'mask', 'composer', 'wi', 'wt', 'steps'].some((k) => values[k] !== undefined && !(Array.isArray(values[k]) && values[k].length === 0));
}

/** search --image/--like with --text, --negative, --mask, weights, composer: through search.compose. */
export async function composedSearch(dispatch: Dispatch, engine: Services, opts: Options): Promise<void> {
  const values = opts.values as Options['values'] & { text?: string[] };
  const image = str(values, 'image');
  const like = numberOf(values, 'like');
  const conditions = [...(values.text ?? []), ...(opts.args.length ? [opts.args.join(' ')] : [])];
  const mask = str(values, 'mask');
  const composer = str(values, 'composer');
  const weights = weightsOf(values);
  const result = await callDirect(dispatch, 'search.compose', {
    reference: image ? { uploadId: await upload(engine, image) } : like !== undefined ? { itemId: like } : null,
    regionUploadId: mask ? await upload(engine, mask) : null,
    conditions,
    negative: str(values, 'negative') ?? '',
    ...(weights ? { weights: { ...weights, negative: numberOf(values, 'wn') ?? 1 } } : {}),
    ...(composer ? { composer: composer as never } : {}),
    ...(numberOf(values, 'steps') !== undefined ? { steps: numberOf(values, 'steps')! } : {}),
    seed: numberOf(values, 'seed') ?? 0,
    limit: numberOf(values, 'limit') ?? 20,
    filters: searchFilters(values),
  });
  const rows = result.items.map((i) => ({ path: i.path, score: i.score === null ? null : Math.round(i.score * 1e4) / 1e4 }));
  const data = { composer: result.composer, weights: result.weights, timings: result.timings, items: rows };
  const summary = `${result.composer} (w_I ${result.weights.image}, w_T ${result.weights.text}) in ${result.timings.totalMs} ms`;
  print(opts, data, [summary, ...rows.map((r) => `${r.score === null ? '     ' : r.score.toFixed(3)}  ${r.path}`)].join('\n'));
}
