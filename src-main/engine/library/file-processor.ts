import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { CLIP_PREPROCESS, cropAndNormalize, decodeForClip, type PreprocessConfig } from '../clip/preprocess';
import { readMetadata, type PhotoMetadata } from './metadata';

export interface ImageFacts extends PhotoMetadata {
  hash: string;
  format: string;
  width: number;
  height: number;
  orientation: number | null;
  /** Thumbnail file name inside the thumbnail folder. */
  thumb: string;
  /** The CLIP input tensor (CHW float32), from the same decode as the thumbnail. */
  clipInput: Float32Array;
}

export const THUMB_SIZE = 320;
/** Images above this many pixels are refused (decompression bombs); 16384×16384 is sharp's own default. */
export const MAX_PIXELS = 16384 * 16384;

export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Where a thumbnail lives: sharded by hash so no folder grows huge; shared by duplicates. */
export function thumbName(hash: string): string {
  return join(hash.slice(0, 2), `${hash}.webp`);
}

/** Why a file could not be read, in words for the failed-files list. */
export function failureReason(error: unknown, size: number): string {
  const message = (error as Error).message ?? String(error);
  if (size === 0) return 'The file is empty (0 bytes).';
  if (/pixel limit/i.test(message)) return `The image is too large to decode safely (over ${MAX_PIXELS / 1e6} megapixels).`;
  if (/unsupported image format|Input buffer contains unsupported/i.test(message)) return 'This is not an image the studio can read (its contents do not match its extension).';
  if (/premature end|end of stream|truncated|corrupt|invalid|bad|VipsJpeg|Read error/i.test(message)) return `The image is damaged or truncated (${message.split('\n')[0]}).`;
  return message.split('\n')[0]!;
}

/**
 * Reads what the library keeps about an image — content hash, dimensions (after EXIF orientation), EXIF facts — writes
 * its thumbnail atomically into `thumbDir`, and prepares its CLIP input. The file is decoded once (JPEGs shrink on load
 * to CLIP's 224-pixel short side), and both the CLIP input and the thumbnail come from that decode. Throws on
 * unreadable images.
 */
export async function processImage(path: string, thumbDir: string, clip: PreprocessConfig = CLIP_PREPROCESS): Promise<ImageFacts> {
  const [hash, decoded, exif] = await Promise.all([hashFile(path), decodeForClip(path, clip, MAX_PIXELS), readMetadata(path)]);
  const thumb = thumbName(hash);
  const thumbFile = join(thumbDir, thumb);
  const data = await sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } })
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
  await mkdir(join(thumbFile, '..'), { recursive: true });
  const temp = `${thumbFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, data);
  await rename(temp, thumbFile);
  return {
    hash,
    format: decoded.source.format,
    width: decoded.source.width,
    height: decoded.source.height,
    orientation: decoded.source.orientation,
    ...exif,
    thumb,
    clipInput: cropAndNormalize(decoded, clip),
  };
}
