import { ort } from '../shared/native-packages';
import { SeededRandom } from '../shared/rng';
import { runDiffusion } from '../edit/pipeline';
import { decodeRgb, type Rgb } from '../shared/pixels';
import type { SdModel } from '../edit/sd-model';
import type { CheckOutcome } from './clip-check';

/** Mean HSV saturation (0…1) of a picture. */
export function meanSaturation(img: Rgb): number {
  let sum = 0;
  for (let i = 0; i < img.data.length; i += 3) {
    const r = img.data[i]!;
    const g = img.data[i + 1]!;
    const b = img.data[i + 2]!;
    const max = Math.max(r, g, b);
    sum += max === 0 ? 0 : (max - Math.min(r, g, b)) / max;
  }
  return sum / (img.data.length / 3);
}

function deviation(img: Rgb): number {
  let mean = 0;
  for (const v of img.data) mean += v;
  mean /= img.data.length;
  let sq = 0;
  for (const v of img.data) sq += (v - mean) ** 2;
  return Math.sqrt(sq / img.data.length);
}

const allFinite = (data: ArrayLike<number>) => Array.prototype.every.call(data, Number.isFinite);

/**
 * A Stable Diffusion model on this machine, at 256 px with a fixed seed: every part runs and returns finite values of the
 * right shape (hard failures otherwise); the picture is not blank; an instruction model's “make it black and white”
 * lowers the saturation of a colourful photo (the drop is a figure); speed in s/step and images/s.
 */
export async function checkSd(model: SdModel, photo: string, steps: number): Promise<CheckOutcome> {
  const failures: string[] = [];
  const notes: string[] = [];
  const figures: Record<string, number> = {};
  const size = Math.max(model.sizeMultiple, Math.round(256 / model.sizeMultiple) * model.sizeMultiple);
  const lw = size / 8;

  const context = await model.encodeText(['a photo']);
  if (context.dims.length !== 3 || context.dims[1] !== 77) failures.push(`text encoder: hidden states of shape [${context.dims.join(', ')}], expected [1, 77, hidden]`);
  if (!allFinite(context.data as Float32Array)) failures.push('text encoder: NaN or infinite values');
  const random = new SeededRandom(1);
  const channels = model.kind === 'text2img' ? 4 : model.kind === 'instruct' ? 8 : 9;
  const sample = new ort.Tensor('float32', random.normals(channels * lw * lw), [1, channels, lw, lw]);
  const eps = await model.unet(sample, 500, context);
  if (eps.length !== 4 * lw * lw) failures.push(`UNet: ${eps.length} output values, expected ${4 * lw * lw} (4 × ${lw} × ${lw})`);
  if (!allFinite(eps)) failures.push('UNet: NaN or infinite values');
  const decoded = await model.decodeLatents(new ort.Tensor('float32', eps.slice(0, 4 * lw * lw), [1, 4, lw, lw]));
  if (!allFinite(decoded.data as Float32Array)) failures.push('VAE decoder: NaN or infinite values');
  if (failures.length) return { failures, figures, notes };

  const source = model.kind === 'text2img' ? null : await decodeRgb(photo, { width: size, height: size });
  const mask = model.kind === 'inpaint' ? { width: size, height: size, data: new Float32Array(size * size).fill(1) } : null;
  const prompt = model.kind === 'instruct' ? 'make it black and white' : 'a photo of a red apple on a table';
  const started = performance.now();
  const { image, timings } = await runDiffusion(model, {
    pipeline: model.kind,
    source,
    mask,
    prompt,
    negative: '',
    steps,
    textGuidance: 7.5,
    imageGuidance: 1.5,
    strength: 1,
    seed: 1,
    scheduler: 'ddim',
    width: size,
    height: size,
    feather: 0,
  });
  const seconds = (performance.now() - started) / 1000;
  figures.secondsPerStep = Number((timings.unetMs / timings.steps / 1000).toPrecision(3));
  figures.imagesPerSecond = Number((1 / seconds).toPrecision(3));
  figures.size = size;
  if (deviation(image) < 2) failures.push(`the ${size}-px picture is blank (one flat color)`);
  if (source && model.kind === 'instruct') {
    const before = meanSaturation(source);
    figures.saturationDrop = Math.round((1 - meanSaturation(image) / before) * 1000) / 1000;
  }
  return { failures, figures, notes };
}
