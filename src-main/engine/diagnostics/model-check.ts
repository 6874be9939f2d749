import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelCheck } from '@contract';
import { ClipModel } from '../clip/clip-model';
import { resourceDir } from '../shared/resources';
import { SdModel, type UnetKind } from '../edit/sd-model';
import type { ModelStore } from '../models/model-store';
import type { SessionPool } from '../models/session-pool';
import { checkClip, readLabels, type CheckOutcome, type ReferenceCase } from './clip-check';
import { checkSd } from './sd-check';

/**
 * Reference ids from OpenAI's own tokenizer (clip/simple_tokenizer.py) for texts that need no cleanup, used when
 * resources/tokenizer/clip-reference-ids.json (the full set, with HTML entities and odd whitespace) is not there.
 */
const BUILT_IN_REFERENCE: ReferenceCase[] = [
  { text: 'a photo of a cat', ids: [49406, 320, 1125, 539, 320, 2368, 49407] },
  { text: 'A Photo Of A CAT', ids: [49406, 320, 1125, 539, 320, 2368, 49407] },
  { text: 'punctuation!!! ??? ... --- ,,, ;;', ids: [49406, 47051, 995, 3824, 678, 11079, 14811, 24492, 49407] },
  { text: '*mymug on a table', ids: [49406, 265, 1152, 9722, 525, 320, 2175, 49407] },
  { text: 'hyphen-ated words and under_scores', ids: [49406, 1441, 745, 576, 268, 943, 2709, 537, 1798, 318, 7039, 49407] },
  { text: "IT'S LOUD", ids: [49406, 585, 568, 7464, 49407] },
];

export async function referenceIds(): Promise<{ cases: ReferenceCase[]; source: string }> {
  const dir = resourceDir('tokenizer');
  const file = dir ? join(dir, 'clip-reference-ids.json') : null;
  if (file && existsSync(file)) {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { cases: ReferenceCase[] };
    return { cases: parsed.cases.map(({ text, ids }) => ({ text, ids })), source: 'resources/tokenizer/clip-reference-ids.json' };
  }
  return { cases: BUILT_IN_REFERENCE, source: 'built-in reference ids' };
}

export interface ModelCheckDeps {
  store: ModelStore;
  pool: SessionPool;
  /** Photos with captions (labels.tsv); default resources/check-photos. */
  photosDir?: string;
  /** Denoising steps of the SD turn. */
  steps?: number;
}

const KIND_OF_TASK: Record<string, UnetKind> = { 'sd-instruct-edit': 'instruct', 'sd-inpaint': 'inpaint', 'sd-text2img': 'text2img' };

/**
 * Runs a model on this machine and stores what it found (shown in Settings → Models). Hard failures (does not load or
 * run, wrong shapes, NaN, tokenizer ids that differ from the reference) make `ok` false; quality and speed are figures,
 * held to the manifest's only when the files are the manifest's (downloaded from the pinned commit and verified).
 */
export async function checkModel(id: string, deps: ModelCheckDeps): Promise<ModelCheck> {
  const { store } = deps;
  const entry = store.entry(id);
  const status = store.status(id);
  const photos = deps.photosDir ?? resourceDir('check-photos') ?? join(process.cwd(), 'resources', 'check-photos');
  const realWeights = status.installed && (status.verification === 'manifest' || status.verification === 'host');
  let outcome: CheckOutcome;
  try {
    if (!status.installed) {
      outcome = { failures: [`not installed (missing ${status.missing.join(', ')})`], figures: {}, notes: [] };
    } else if (entry.task === 'clip') {
      const keyed = `${entry.id}@${status.variant}`;
      const clip = await ClipModel.load(status.dir, deps.pool, { vision: store.fileFor(keyed, 'vision'), text: store.fileFor(keyed, 'text') });
      const reference = await referenceIds();
      outcome = await checkClip(clip, photos, reference.cases);
      outcome.notes.unshift(`tokenizer checked against ${reference.source}`);
    } else if (KIND_OF_TASK[entry.task]) {
      const model = await SdModel.load(status.dir, deps.pool);
      if (model.kind !== KIND_OF_TASK[entry.task]) {
        outcome = { failures: [`shapes: the UNet is a ${model.kind} UNet, not the ${KIND_OF_TASK[entry.task]} one ${entry.title} needs`], figures: {}, notes: [] };
      } else {
        const [first] = await readLabels(photos);
        outcome = await checkSd(model, first!.file, deps.steps ?? 4);
      }
    } else {
      outcome = { failures: [], figures: {}, notes: [`not run: the studio has no check for ${entry.task} models yet`] };
    }
  } catch (error) {
    outcome = { failures: [`does not load or run: ${(error as Error).message}`], figures: {}, notes: [] };
  }
  const expect = entry.expect ?? {};
  for (const [figure, floor] of Object.entries(expect)) {
    const value = outcome.figures[figure];
    if (value === undefined || floor === undefined) continue;
    if (!realWeights) outcome.notes.push(`${figure} ${value} not held to the manifest's ${floor}: these files were not downloaded and verified from the pinned commit`);
    else if (value < floor) outcome.notes.push(`below the manifest's figure: ${figure} ${value} < ${floor}`);
  }
  const check: ModelCheck = {
    at: new Date().toISOString(),
    variant: status.variant,
    realWeights,
    ok: outcome.failures.length === 0,
    failures: outcome.failures,
    figures: outcome.figures,
    notes: outcome.notes,
  };
  if (status.installed) await store.saveCheck(id, check);
  return check;
}
