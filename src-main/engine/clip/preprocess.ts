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

/** An image decoded and resized for CLIP (shortest side at `shortestEdge`), not yet cropped: 8-bit sRGB, 3 channels. */
export interface ResizedImage {
  data: Buffer;
  width: number;
  height: number;
  /** What the decoder found in the file. */
  source: { width: number; height: number; format: string; orientation: number | null };
}

function badImage(what: string, error: unknown, input: string | Buffer): AppError {
  return new AppError('BAD_IMAGE', `${what} is not an image the studio can read (${(error as Error).message}).`, { path: typeof input === 'string' ? input : null });
}

/**
 * The decoding half of CLIP preprocessing: EXIF orientation applied, 8-bit sRGB without alpha, shortest side resized to
 * 224 (bicubic; JPEGs shrink on load). The library derives both the CLIP input and the thumbnail from this one decode.
 */
export async function decodeForClip(input: string | Buffer, config: PreprocessConfig = CLIP_PREPROCESS, limitInputPixels?: number): Promise<ResizedImage> {
  const what = typeof input === 'string' ? input : 'the image';
  const options = { failOn: 'error' as const, pages: 1, ...(limitInputPixels ? { limitInputPixels } : {}) };
  let source: ResizedImage['source'];
  try {
    const meta = await sharp(input, options).metadata();
    if (!meta.width || !meta.height || !meta.format) throw new Error('unsupported image format');
    const swap = (meta.orientation ?? 1) >= 5;
    source = { width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height, format: meta.format, orientation: meta.orientation ?? null };
  } catch (error) {
    throw badImage(what, error, input);
  }
  const size = resizedSize(source.width, source.height, config.shortestEdge);
  try {
    const data = await sharp(input, options)
      .rotate()
      .toColourspace('srgb')
      .resize(size.width, size.height, { kernel: 'cubic', fit: 'fill' })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer();
    return { data, width: size.width, height: size.height, source };
  } catch (error) {
    throw badImage(what, error, input);
  }
}

/** The other half: center crop to 224×224, scale to [0, 1], normalize by mean/std, CHW float32. */
export function cropAndNormalize(image: ResizedImage, config: PreprocessConfig = CLIP_PREPROCESS): Float32Array {
  const cw = Math.min(config.cropWidth, image.width);
  const ch = Math.min(config.cropHeight, image.height);
  const left = Math.floor((image.width - cw) / 2);
  const top = Math.floor((image.height - ch) / 2);
  const plane = cw * ch;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const src = ((top + y) * image.width + left + x) * 3;
      const dst = y * cw + x;
      for (let c = 0; c < 3; c++) out[c * plane + dst] = (image.data[src + c]! / 255 - config.mean[c]!) / config.std[c]!;
    }
  }
  return out;
}

/**
 * CLIP preprocessing with sharp: EXIF orientation applied, converted to 8-bit sRGB without alpha, shortest side resized to
 * 224 (bicubic), center-cropped to 224×224, scaled to [0, 1] and normalized by mean/std. Returns CHW float32.
 */
export async function preprocessImage(input: string | Buffer, config: PreprocessConfig = CLIP_PREPROCESS): Promise<Float32Array> {
  return cropAndNormalize(await decodeForClip(input, config), config);
}
