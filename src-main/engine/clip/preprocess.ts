import { sharp } from '../shared/native-packages';
import { AppError } from '@contract';
import { CLIP_PREPROCESS, type PreprocessConfig } from './preprocess-config';

export { CLIP_PREPROCESS, loadPreprocessConfig, parsePreprocessConfig, type PreprocessConfig } from './preprocess-config';

/** Width × height after resizing the shortest edge to `edge`, as Hugging Face computes it (the long side truncated). */
export function resizedSize(width: number, height: number, edge: number): { width: number; height: number } {
  return width <= height
    ? { width: edge, height: Math.floor((edge * height) / width) }
    : { width: Math.floor((edge * width) / height), height: edge };
}

/** An image decoded and resized as the model's config asks, not yet cropped: 8-bit sRGB, 3 channels. */
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

/** The size an image of `width` × `height` is resized to before cropping. */
export function targetSize(width: number, height: number, config: PreprocessConfig): { width: number; height: number } {
  if (!config.resize) return { width, height };
  return 'shortestEdge' in config.resize ? resizedSize(width, height, config.resize.shortestEdge) : config.resize;
}

/**
 * The decoding half of preprocessing: EXIF orientation applied, 8-bit sRGB without alpha, resized as the config says
 * (shortest side to 224 bicubic for CLIP, 256 bilinear for MobileCLIP; JPEGs shrink on load). The library derives both
 * the CLIP input and the thumbnail from this one decode.
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
  try {
    return { ...(await resizeForClip(sharp(input, options).rotate(), source, config)), source };
  } catch (error) {
    throw badImage(what, error, input);
  }
}

/**
 * The shared tail of a decode for the model: `image` (already upright, `upright.width` × `upright.height`) to 8-bit sRGB
 * without alpha, resized as the config says. Also used for a camera's embedded preview (library/embedded-preview.ts).
 */
export async function resizeForClip(image: sharp.Sharp, upright: { width: number; height: number }, config: PreprocessConfig): Promise<Omit<ResizedImage, 'source'>> {
  const size = targetSize(upright.width, upright.height, config);
  let pipeline = image.toColourspace('srgb');
  if (size.width !== upright.width || size.height !== upright.height) pipeline = pipeline.resize(size.width, size.height, { kernel: config.resample, fit: 'fill' });
  const data = await pipeline.removeAlpha().raw({ depth: 'uchar' }).toBuffer();
  return { data, width: size.width, height: size.height };
}

/**
 * The other half: center crop (zero-padded where the crop is larger, as Hugging Face pads), rescale, normalize by
 * mean/std where the config asks, CHW float32 of the config's width × height.
 */
export function cropAndNormalize(image: ResizedImage, config: PreprocessConfig = CLIP_PREPROCESS): Float32Array {
  const { width: cw, height: ch } = config;
  if (!config.crop && (image.width !== cw || image.height !== ch)) {
    throw new AppError('INTERNAL', `The decoded image is ${image.width}×${image.height}, not the ${cw}×${ch} the model takes.`);
  }
  const left = Math.floor((image.width - cw) / 2);
  const top = Math.floor((image.height - ch) / 2);
  const scale = config.rescale ?? 1;
  const mean = config.normalize?.mean ?? [0, 0, 0];
  const std = config.normalize?.std ?? [1, 1, 1];
  // value · scale ↦ (value · scale − mean) / std, folded into one multiply-add per channel.
  const mul = std.map((s) => scale / s);
  const add = mean.map((m, c) => -m / std[c]!);
  const plane = cw * ch;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < ch; y++) {
    const sy = top + y;
    for (let x = 0; x < cw; x++) {
      const sx = left + x;
      const inside = sy >= 0 && sy < image.height && sx >= 0 && sx < image.width;
      const src = (sy * image.width + sx) * 3;
      const dst = y * cw + x;
      for (let c = 0; c < 3; c++) out[c * plane + dst] = (inside ? image.data[src + c]! : 0) * mul[c]! + add[c]!;
    }
  }
  return out;
}

/**
 * Preprocessing with sharp, following the model's preprocessor_config.json: EXIF orientation applied, 8-bit sRGB without
 * alpha, resized, center-cropped, rescaled and (where asked) normalized by mean/std. Returns CHW float32.
 */
export async function preprocessImage(input: string | Buffer, config: PreprocessConfig = CLIP_PREPROCESS): Promise<Float32Array> {
  return cropAndNormalize(await decodeForClip(input, config), config);
}
