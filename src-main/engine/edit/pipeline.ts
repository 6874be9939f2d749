import { ort } from '../shared/native-packages';
import { AppError } from '@contract';
import { dualGuidance, guidance } from '../diffusion/guidance';
import { SeededRandom } from '../shared/rng';
import { createScheduler, type SchedulerName } from '../diffusion/scheduler';
import { compositeInside, fromTensor, latentMask, latentPreview, toTensor, type Mask, type Rgb } from '../shared/pixels';
import type { SdModel, UnetKind } from './sd-model';

export interface DiffusionRequest {
  pipeline: UnetKind;
  /** The picture being edited (at a size the model takes); null for text-to-image. */
  source: Rgb | null;
  /** Where the picture may change (same size as the source). */
  mask: Mask | null;
  prompt: string;
  negative: string;
  steps: number;
  /** s_T: how strongly to follow the text. */
  textGuidance: number;
  /** s_I: how strongly to stay with the source (instruction edits). */
  imageGuidance: number;
  /** How much of the source to re-imagine (inpainting; 1 = from pure noise). */
  strength: number;
  seed: number;
  scheduler: SchedulerName;
  /** Text-to-image canvas size. */
  width?: number;
  height?: number;
  /** Softening of the mask's edge inside the mask, in pixels. */
  feather: number;
}

export interface StageTimings {
  textMs: number;
  unetMs: number;
  schedulerMs: number;
  vaeMs: number;
  /** Everything else the pipeline does (tensors, previews, compositing). */
  overheadMs: number;
  totalMs: number;
  steps: number;
}

export interface StepEvent {
  step: number;
  total: number;
  /** The current estimate of the result, at latent resolution. */
  preview: () => Rgb;
}

/** Rounds a size to the model's multiple (at least one multiple). */
export function roundToMultiple(size: number, multiple: number): number {
  return Math.max(multiple, Math.round(size / multiple) * multiple);
}

function concatChannels(rows: Float32Array[][], plane: number): Float32Array {
  const channels = rows[0]!.reduce((n, part) => n + part.length / plane, 0);
  const out = new Float32Array(rows.length * channels * plane);
  let offset = 0;
  for (const row of rows) {
    for (const part of row) {
      out.set(part, offset);
      offset += part.length;
    }
  }
  return out;
}

/** Time spent per stage of a turn (text encoder, UNet, scheduler, VAE), accumulated by `time`. */
export function stageTimer() {
  const t = { textMs: 0, unetMs: 0, schedulerMs: 0, vaeMs: 0 };
  const time = async <T>(key: keyof typeof t, work: () => Promise<T> | T): Promise<T> => {
    const s = performance.now();
    try {
      return await work();
    } finally {
      t[key] += performance.now() - s;
    }
  };
  return { t, time };
}

/**
 * One diffusion run: instruction edit (8-channel UNet, dual guidance over (∅,∅), (c_I,∅), (c_I,c_T) in one batched
 * call), inpainting (9-channel UNet, text guidance) or text-to-image (4-channel UNet). The negative text replaces the
 * unconditional text everywhere. Deterministic for a seed; cancels between steps; a masked result keeps every pixel
 * outside the mask exactly.
 */
export async function runDiffusion(
  model: SdModel,
  req: DiffusionRequest,
  options: { signal?: AbortSignal; onStep?: (event: StepEvent) => void } = {},
): Promise<{ image: Rgb; timings: StageTimings }> {
  const started = performance.now();
  const { t, time } = stageTimer();
  if (req.pipeline !== model.kind) throw new AppError('MODEL_MISMATCH', `${model.dir} is a ${model.kind} model, not ${req.pipeline}.`);
  if (req.pipeline !== 'text2img' && !req.source) throw new AppError('INVALID_PARAMS', 'An edit needs a picture to edit.');
  if (req.pipeline === 'inpaint' && !req.mask) throw new AppError('INVALID_PARAMS', 'Inpainting needs a mask.');
  const width = req.source?.width ?? roundToMultiple(req.width ?? 512, model.sizeMultiple);
  const height = req.source?.height ?? roundToMultiple(req.height ?? 512, model.sizeMultiple);
  if (width % 8 || height % 8) throw new AppError('INVALID_PARAMS', `The picture is ${width}×${height}; the model needs multiples of 8.`);
  const lw = width / 8;
  const lh = height / 8;
  const plane = lw * lh;
  const scale = model.scalingFactor;

  const instruct = req.pipeline === 'instruct';
  const context = await time('textMs', () => model.encodeText(instruct ? [req.prompt, req.negative, req.negative] : [req.negative, req.prompt]));

  let extra: Float32Array[][] = [];
  let sourceLatents: Float32Array | null = null;
  if (req.source) {
    const encoded = await time('vaeMs', () => model.encodeImage(toTensor(req.source!)));
    sourceLatents = (encoded.data as Float32Array).map((v) => v * scale);
    if (instruct) {
      // InstructPix2Pix conditions on the unscaled latents; the third (unconditional) row gets none.
      const image = encoded.data as Float32Array;
      extra = [[image], [image], [new Float32Array(4 * plane)]];
    } else if (req.pipeline === 'inpaint') {
      const m = latentMask(req.mask!, lw, lh);
      const masked = toTensor(req.source);
      const px = masked.data as Float32Array;
      const full = width * height;
      for (let i = 0; i < full; i++) if (req.mask!.data[i]! >= 0.5) for (let c = 0; c < 3; c++) px[c * full + i] = 0;
      const maskedLatents = ((await time('vaeMs', () => model.encodeImage(masked))).data as Float32Array).map((v) => v * scale);
      extra = [
        [m, maskedLatents],
        [m, maskedLatents],
      ];
    }
  }

  const rng = new SeededRandom(req.seed);
  const scheduler = createScheduler(req.scheduler, model.scheduler, req.steps);
  const noise = rng.normals(4 * plane);
  // Inpainting below full strength starts from the source, noised to the first step it runs.
  const start = req.pipeline === 'inpaint' && req.strength < 1 && sourceLatents ? Math.min(req.steps - 1, req.steps - Math.max(1, Math.round(req.steps * req.strength))) : 0;
  let latents = start > 0 ? scheduler.addNoise(sourceLatents!, noise, start) : noise.map((v) => v * scheduler.initNoiseSigma);
  const rows = instruct ? 3 : 2;
  const channels = 4 + (extra[0]?.reduce((n, p) => n + p.length / plane, 0) ?? 0);
  const total = scheduler.timesteps.length - start;

  for (let i = start; i < scheduler.timesteps.length; i++) {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'The turn was cancelled.');
    const input = scheduler.scaleModelInput(latents, i);
    const batch = concatChannels(Array.from({ length: rows }, (_, r) => [input, ...(extra[r] ?? [])]), plane);
    const out = await time('unetMs', () => model.unet(new ort.Tensor('float32', batch, [rows, channels, lh, lw]), scheduler.timesteps[i]!, context));
    const row = (r: number) => out.subarray(r * 4 * plane, (r + 1) * 4 * plane);
    const step = await time('schedulerMs', () => {
      const guided = instruct ? dualGuidance(row(2), row(1), row(0), req.imageGuidance, req.textGuidance) : guidance(row(0), row(1), req.textGuidance);
      return scheduler.step(guided, i, latents, (n) => rng.normals(n));
    });
    latents = step.prev;
    const x0 = step.predictedOriginal;
    options.onStep?.({ step: i - start + 1, total, preview: () => latentPreview(x0, lw, lh, model.latentRgb) });
  }

  const decoded = await time('vaeMs', () => model.decodeLatents(new ort.Tensor('float32', latents.map((v) => v / scale), [1, 4, lh, lw])));
  let image = fromTensor(decoded);
  if (image.width !== width || image.height !== height) throw new AppError('MODEL_MISMATCH', `The VAE decoder returned ${image.width}×${image.height} for ${width}×${height}.`);
  if (req.mask && req.source) image = compositeInside(req.source, image, req.mask, req.feather);
  const totalMs = performance.now() - started;
  const inner = t.textMs + t.unetMs + t.schedulerMs + t.vaeMs;
  return { image, timings: { ...t, overheadMs: Math.max(0, totalMs - inner), totalMs, steps: total } };
}
