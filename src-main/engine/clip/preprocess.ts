import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '@contract';

export interface PreprocessConfig {
  /** Shortest edge after resizing. */
  shortestEdge: number;
  cropWidth: number;
  cropHeight: number;
  mean: [number, number, number];
  std: [number, number, number];
}

/** OpenAI CLIP's preprocessing (also the Hugging Face CLIPImageProcessor defaults). */
export const CLIP_PREPROCESS: PreprocessConfig = {
  shortestEdge: 224,
  cropWidth: 224,
  cropHeight: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};

/** Reads a model folder's preprocessor_config.json (Hugging Face layout), falling back to CLIP's defaults. */
export async function loadPreprocessConfig(dir: string): Promise<PreprocessConfig> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(join(dir, 'preprocessor_config.json'), 'utf8'));
  } catch {
    return CLIP_PREPROCESS;
  }
  const size = raw.size as { shortest_edge?: number } | number | undefined;
  const crop = raw.crop_size as { width?: number; height?: number } | number | undefined;
  const triple = (v: unknown, d: [number, number, number]) =>
    Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number') ? (v as [number, number, number]) : d;
  return {
    shortestEdge: typeof size === 'number' ? size : (size?.shortest_edge ?? CLIP_PREPROCESS.shortestEdge),
    cropWidth: typeof crop === 'number' ? crop : (crop?.width ?? CLIP_PREPROCESS.cropWidth),
    cropHeight: typeof crop === 'number' ? crop : (crop?.height ?? CLIP_PREPROCESS.cropHeight),
    mean: triple(raw.image_mean, CLIP_PREPROCESS.mean),
    std: triple(raw.image_std, CLIP_PREPROCESS.std),
  };
}

/** Width × height after resizing the shortest edge to `edge`, as Hugging Face computes it (the long side truncated). */
export function resizedSize(width: number, height: number, edge: number): { width: number; height: number } {
  return width <= height
    ? { width: edge, height: Math.floor((edge * height) / width) }
    : { width: Math.floor((edge * width) / height), height: edge };
}

/**
 * CLIP preprocessing with sharp: EXIF orientation applied, converted to 8-bit sRGB without alpha, shortest side resized to
 * 224 (bicubic), center-cropped to 224×224, scaled to [0, 1] and normalized by mean/std. Returns CHW float32.
 */
export async function preprocessImage(input: string | Buffer, config: PreprocessConfig = CLIP_PREPROCESS): Promise<Float32Array> {
  const what = typeof input === 'string' ? input : 'the image';
  let width: number;
  let height: number;
  try {
    const meta = await sharp(input, { failOn: 'error' }).metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
    const swap = (meta.orientation ?? 1) >= 5;
    width = swap ? meta.height : meta.width;
    height = swap ? meta.width : meta.height;
  } catch (error) {
    throw new AppError('BAD_IMAGE', `${what} is not an image the studio can read (${(error as Error).message}).`, { path: typeof input === 'string' ? input : null });
  }
  const size = resizedSize(width, height, config.shortestEdge);
  const cw = Math.min(config.cropWidth, size.width);
  const ch = Math.min(config.cropHeight, size.height);
  let pixels: Buffer;
  try {
    pixels = await sharp(input, { failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .resize(size.width, size.height, { kernel: 'cubic', fit: 'fill' })
      .extract({ left: Math.floor((size.width - cw) / 2), top: Math.floor((size.height - ch) / 2), width: cw, height: ch })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer();
  } catch (error) {
    throw new AppError('BAD_IMAGE', `${what} could not be decoded (${(error as Error).message}).`, { path: typeof input === 'string' ? input : null });
  }
  const plane = cw * ch;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (pixels[i * 3 + c]! / 255 - config.mean[c]!) / config.std[c]!;
  }
  return out;
}
