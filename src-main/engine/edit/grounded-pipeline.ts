import { ort } from '../shared/native-packages';
import { AppError } from '@contract';
import { enhance, interleavedSchedule, scheduleString, type GuidanceStepKind } from '../diffusion/interleaved';
import { SeededRandom } from '../shared/rng';
import { createScheduler, type SchedulerName } from '../diffusion/scheduler';
import { fromTensor, latentPreview, toTensor, type Rgb } from '../shared/pixels';
import { roundToMultiple, stageTimer, type StageTimings, type StepEvent } from './pipeline';
import type { SdModel } from './sd-model';

/** How several neighbours enter the image condition: their mean latent every step, or one neighbour per step in turn. */
export type NeighbourMix = 'mean' | 'turns';

export interface GroundedRequest {
  /** create: a new canvas from noise, conditioned on the neighbours; edit: the source stays the picture being edited. */
  mode: 'create' | 'edit';
  /** The picture being edited (edit only), at the canvas size. */
  source: Rgb | null;
  /** Neighbour pictures, each at the canvas size. */
  neighbours: Rgb[];
  prompt: string;
  negative: string;
  steps: number;
  /** γ: guidance strength of each interleaved step. */
  guidance: number;
  /** η: the fraction of text-enhanced steps (0: neighbours dominate, 1: the text does). */
  eta: number;
  mix: NeighbourMix;
  seed: number;
  scheduler: SchedulerName;
  /** Plain classifier-free guidance instead, for comparison: every step γ·ε(x, c_n, c_p) − (γ−1)·ε(x, ∅, ∅). */
  plainGuidance?: boolean;
  /** Canvas size when creating (rounded to the model's multiple). */
  width?: number;
  height?: number;
}

/** One row of the UNet batch: which image latent fills the condition channels, and which text. */
interface Branch {
  image: Float32Array;
  text: 'prompt' | 'negative';
}

/**
 * The two branches of a step (full first, then the one the step enhances against):
 * - create, text-enhanced:      (c_n, c_p) vs (c_n, ∅);   neighbour-enhanced: (c_n, c_p) vs (∅, c_p) — Re-Imagen's pair;
 * - edit, text-enhanced:        (src, c_p) vs (src, ∅)   — the instruction edit of the current picture;
 *   edit, neighbour-enhanced:   (c_n, c_p) vs (src, c_p) — moves the picture's look from itself towards the neighbours.
 */
export function stepBranches(mode: GroundedRequest['mode'], kind: GuidanceStepKind, neighbour: Float32Array, source: Float32Array | null, none: Float32Array): [Branch, Branch] {
  if (mode === 'create') {
    return kind === 'text'
      ? [{ image: neighbour, text: 'prompt' }, { image: neighbour, text: 'negative' }]
      : [{ image: neighbour, text: 'prompt' }, { image: none, text: 'prompt' }];
  }
  const src = source!;
  return kind === 'text'
    ? [{ image: src, text: 'prompt' }, { image: src, text: 'negative' }]
    : [{ image: neighbour, text: 'prompt' }, { image: src, text: 'prompt' }];
}

/** The mean of equally long arrays. */
export function meanOf(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays[0]!.length);
  for (const a of arrays) for (let i = 0; i < out.length; i++) out[i]! += a[i]! / arrays.length;
  return out;
}

/**
 * Grounded generation on the instruction-edit (8-channel) UNet with interleaved guidance: two UNet rows per step,
 * neighbours in the image-condition channels. Deterministic for a seed; cancels between steps.
 */
export async function runGrounded(
  model: SdModel,
  req: GroundedRequest,
  options: { signal?: AbortSignal; onStep?: (event: StepEvent) => void } = {},
): Promise<{ image: Rgb; timings: StageTimings; schedule: string }> {
  const started = performance.now();
  const { t, time } = stageTimer();
  if (model.kind !== 'instruct') throw new AppError('MODEL_MISMATCH', `Grounded generation needs the instruction-edit model (image + text conditions); ${model.dir} is a ${model.kind} model.`);
  if (req.neighbours.length === 0) throw new AppError('INVALID_PARAMS', 'Grounded generation needs at least one neighbour picture.');
  if (req.mode === 'edit' && !req.source) throw new AppError('INVALID_PARAMS', 'A grounded edit needs a picture to edit.');
  const width = req.source?.width ?? roundToMultiple(req.width ?? 512, model.sizeMultiple);
  const height = req.source?.height ?? roundToMultiple(req.height ?? 512, model.sizeMultiple);
  for (const [i, n] of req.neighbours.entries()) {
    if (n.width !== width || n.height !== height) throw new AppError('INVALID_PARAMS', `Neighbour ${i + 1} is ${n.width}×${n.height}; the canvas is ${width}×${height}.`);
  }
  const schedule = interleavedSchedule(req.eta, req.steps);
  const lw = width / 8;
  const lh = height / 8;
  const plane = lw * lh;
  const scale = model.scalingFactor;

  const states = await time('textMs', () => model.encodeText([req.prompt, req.negative]));
  const tokenRow = (states.data as Float32Array).length / 2;
  const textRow = { prompt: (states.data as Float32Array).subarray(0, tokenRow), negative: (states.data as Float32Array).subarray(tokenRow) };
  const contexts = new Map<string, ort.Tensor>();
  const context = (a: Branch['text'], b: Branch['text']) => {
    const key = `${a}/${b}`;
    let tensor = contexts.get(key);
    if (!tensor) {
      const data = new Float32Array(2 * tokenRow);
      data.set(textRow[a], 0);
      data.set(textRow[b], tokenRow);
      tensor = new ort.Tensor('float32', data, [2, ...states.dims.slice(1)]);
      contexts.set(key, tensor);
    }
    return tensor;
  };

  // InstructPix2Pix conditions on the unscaled latents; ∅ is the zero image.
  const latentOf = async (rgb: Rgb) => (await time('vaeMs', () => model.encodeImage(toTensor(rgb)))).data as Float32Array;
  const neighbourLatents: Float32Array[] = [];
  for (const n of req.neighbours) neighbourLatents.push(await latentOf(n));
  const source = req.source ? await latentOf(req.source) : null;
  const mean = req.mix === 'mean' ? meanOf(neighbourLatents) : null;
  const none = new Float32Array(4 * plane);

  const rng = new SeededRandom(req.seed);
  const scheduler = createScheduler(req.scheduler, model.scheduler, req.steps);
  let latents: Float32Array = rng.normals(4 * plane).map((v) => v * scheduler.initNoiseSigma);
  const batch = new Float32Array(2 * 8 * plane);

  for (let i = 0; i < scheduler.timesteps.length; i++) {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'The turn was cancelled.');
    const kind = schedule[i] ?? 'text';
    const neighbour = mean ?? neighbourLatents[i % neighbourLatents.length]!;
    const [full, other]: [Branch, Branch] = req.plainGuidance
      ? [{ image: req.mode === 'edit' ? source! : neighbour, text: 'prompt' }, { image: none, text: 'negative' }]
      : stepBranches(req.mode, kind, neighbour, source, none);
    const input = scheduler.scaleModelInput(latents, i);
    batch.set(input, 0);
    batch.set(full.image, 4 * plane);
    batch.set(input, 8 * plane);
    batch.set(other.image, 12 * plane);
    const out = await time('unetMs', () => model.unet(new ort.Tensor('float32', batch, [2, 8, lh, lw]), scheduler.timesteps[i]!, context(full.text, other.text)));
    const step = await time('schedulerMs', () => {
      const guided = enhance(out.subarray(0, 4 * plane), out.subarray(4 * plane, 8 * plane), req.guidance);
      return scheduler.step(guided, i, latents, (n) => rng.normals(n));
    });
    latents = step.prev;
    const x0 = step.predictedOriginal;
    options.onStep?.({ step: i + 1, total: scheduler.timesteps.length, preview: () => latentPreview(x0, lw, lh, model.latentRgb) });
  }

  const decoded = await time('vaeMs', () => model.decodeLatents(new ort.Tensor('float32', latents.map((v) => v / scale), [1, 4, lh, lw])));
  const image = fromTensor(decoded);
  const totalMs = performance.now() - started;
  const inner = t.textMs + t.unetMs + t.schedulerMs + t.vaeMs;
  return { image, timings: { ...t, overheadMs: Math.max(0, totalMs - inner), totalMs, steps: scheduler.timesteps.length }, schedule: scheduleString(schedule) };
}
