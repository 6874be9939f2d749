import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@contract';

export type Triple = [number, number, number];
/** sharp's kernels for PIL's resample codes (0 nearest, 1 Lanczos, 2 bilinear, 3 bicubic). */
export type Resample = 'nearest' | 'lanczos3' | 'linear' | 'cubic';

/** What a model's preprocessor_config.json asks of an image, in the order it is applied. */
export interface PreprocessConfig {
  /** Shortest side to `shortestEdge` (aspect kept), an exact size, or no resize. */
  resize: { shortestEdge: number } | { width: number; height: number } | null;
  resample: Resample;
  /** Center crop after resizing, or none. */
  crop: { width: number; height: number } | null;
  /** Factor applied to the 0–255 values (1/255), or null to feed them unscaled. */
  rescale: number | null;
  /** Per-channel (value − mean) / std after rescaling, or null (MobileCLIP feeds plain [0, 1] RGB). */
  normalize: { mean: Triple; std: Triple } | null;
  /** The encoder's input: width × height of each CHW tensor. */
  width: number;
  height: number;
}

export const OPENAI_CLIP_MEAN: Triple = [0.48145466, 0.4578275, 0.40821073];
export const OPENAI_CLIP_STD: Triple = [0.26862954, 0.26130258, 0.27577711];

/** OpenAI CLIP's preprocessing (also Hugging Face's CLIPImageProcessor defaults): 224 px, bicubic, mean/std. */
export const CLIP_PREPROCESS: PreprocessConfig = {
  resize: { shortestEdge: 224 },
  resample: 'cubic',
  crop: { width: 224, height: 224 },
  rescale: 1 / 255,
  normalize: { mean: OPENAI_CLIP_MEAN, std: OPENAI_CLIP_STD },
  width: 224,
  height: 224,
};

const RESAMPLE: Record<number, Resample> = { 0: 'nearest', 1: 'lanczos3', 2: 'linear', 3: 'cubic' };

type Raw = Record<string, unknown>;

function mismatch(file: string, why: string): AppError {
  return new AppError('MODEL_MISMATCH', `${file} cannot be used: ${why}.`, { file });
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** A size field: a number, {shortest_edge}, or {height, width}. */
function readSize(value: unknown, file: string, field: string): { shortestEdge: number } | { width: number; height: number } {
  if (isPositiveInt(value)) return { shortestEdge: value };
  const v = (value ?? {}) as Raw;
  if (isPositiveInt(v.shortest_edge)) return { shortestEdge: v.shortest_edge };
  if (isPositiveInt(v.height) && isPositiveInt(v.width)) return { width: v.width, height: v.height };
  throw mismatch(file, `${field} must be a number, {shortest_edge} or {height, width} (found ${JSON.stringify(value)})`);
}

function readCrop(value: unknown, file: string): { width: number; height: number } {
  if (isPositiveInt(value)) return { width: value, height: value };
  const size = readSize(value, file, 'crop_size');
  if ('shortestEdge' in size) return { width: size.shortestEdge, height: size.shortestEdge };
  return size;
}

function readTriple(value: unknown, fallback: Triple, file: string, field: string): Triple {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return [value, value, value];
  if (Array.isArray(value) && value.length === 3 && value.every((x) => typeof x === 'number' && Number.isFinite(x))) return value as Triple;
  throw mismatch(file, `${field} must be three numbers`);
}

const flag = (raw: Raw, key: string, fallback: boolean) => (typeof raw[key] === 'boolean' ? (raw[key] as boolean) : fallback);

/**
 * Turns a parsed preprocessor_config.json into a PreprocessConfig, with CLIPImageProcessor's defaults for absent keys.
 * Refuses what cannot make fixed-size tensors (a shortest-edge resize without a crop) and unknown resample codes.
 */
export function parsePreprocessConfig(raw: Raw, file = 'preprocessor_config.json'): PreprocessConfig {
  const resize = flag(raw, 'do_resize', true) ? readSize(raw.size ?? 224, file, 'size') : null;
  const crop = flag(raw, 'do_center_crop', true) ? readCrop(raw.crop_size ?? 224, file) : null;
  const code = raw.resample ?? 3;
  const resample = typeof code === 'number' ? RESAMPLE[code] : undefined;
  if (!resample) throw mismatch(file, `resample ${JSON.stringify(code)} is not one the studio knows (0 nearest, 1 Lanczos, 2 bilinear, 3 bicubic)`);
  const factor = raw.rescale_factor ?? 1 / 255;
  if (typeof factor !== 'number' || !(factor > 0)) throw mismatch(file, 'rescale_factor must be a positive number');
  let normalize: PreprocessConfig['normalize'] = null;
  if (flag(raw, 'do_normalize', true)) {
    const std = readTriple(raw.image_std, OPENAI_CLIP_STD, file, 'image_std');
    if (std.some((s) => s === 0)) throw mismatch(file, 'image_std has a zero');
    normalize = { mean: readTriple(raw.image_mean, OPENAI_CLIP_MEAN, file, 'image_mean'), std };
  }
  const output = crop ?? (resize && 'width' in resize ? resize : null);
  if (!output) throw mismatch(file, 'without a center crop or an exact resize, images would not share one input size');
  return { resize, resample, crop, rescale: flag(raw, 'do_rescale', true) ? factor : null, normalize, width: output.width, height: output.height };
}

/** Reads a model folder's preprocessor_config.json (Hugging Face layout); a folder without one gets CLIP's defaults. */
export async function loadPreprocessConfig(dir: string): Promise<PreprocessConfig> {
  const file = join(dir, 'preprocessor_config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return CLIP_PREPROCESS;
    throw new AppError('IO_ERROR', `${file} could not be read (${(error as Error).message}).`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw mismatch(file, `it is not valid JSON (${(error as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw mismatch(file, 'it is not a JSON object');
  return parsePreprocessConfig(raw as Raw, file);
}
