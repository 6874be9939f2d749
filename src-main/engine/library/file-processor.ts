import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { CLIP_PREPROCESS, cropAndNormalize, decodeForClip, type PreprocessConfig, type ResizedImage } from '../clip/preprocess';

export interface ImageFacts {
  hash: string;
  format: string;
  width: number;
  height: number;
  orientation: number | null;
  takenAt: number | null;
  camera: string | null;
  lens: string | null;
  gpsLat: number | null;
  gpsLon: number | null;
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

async function readExif(path: string): Promise<Pick<ImageFacts, 'takenAt' | 'camera' | 'lens' | 'gpsLat' | 'gpsLon'>> {
  try {
    const tags = (await exifr.parse(path, { gps: true, pick: ['DateTimeOriginal', 'CreateDate', 'Make', 'Model', 'LensModel', 'latitude', 'longitude'] })) as
      | Record<string, unknown>
      | undefined;
    if (!tags) return { takenAt: null, camera: null, lens: null, gpsLat: null, gpsLon: null };
    const date = (tags.DateTimeOriginal ?? tags.CreateDate) as Date | undefined;
    const make = typeof tags.Make === 'string' ? tags.Make.trim() : '';
    const model = typeof tags.Model === 'string' ? tags.Model.trim() : '';
    return {
      takenAt: date instanceof Date && !Number.isNaN(date.getTime()) ? date.getTime() : null,
      camera: [make, model.startsWith(make) ? model.slice(make.length).trim() : model].filter(Boolean).join(' ') || null,
      lens: typeof tags.LensModel === 'string' ? tags.LensModel : null,
      gpsLat: typeof tags.latitude === 'number' ? tags.latitude : null,
      gpsLon: typeof tags.longitude === 'number' ? tags.longitude : null,
    };
  } catch {
    // No EXIF, or EXIF the parser cannot read: the image is still fine.
    return { takenAt: null, camera: null, lens: null, gpsLat: null, gpsLon: null };
  }
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
 * The thumbnail's size: the photo's own aspect ratio (a model that resizes to an exact square still gets true-shaped
 * thumbnails), at most THUMB_SIZE on the long side, and never more pixels than the decode holds.
 */
export function thumbnailSize(decoded: Pick<ResizedImage, 'width' | 'height' | 'source'>): { width: number; height: number } {
  const { width, height } = decoded.source;
  const scale = Math.min(1, THUMB_SIZE / Math.max(width, height), Math.sqrt((decoded.width * decoded.height) / (width * height)));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Reads what the library keeps about an image — content hash, dimensions (after EXIF orientation), EXIF facts — writes
 * its thumbnail atomically into `thumbDir`, and prepares its CLIP input as the model's preprocessing `clip` asks. The
 * file is decoded once (JPEGs shrink on load to the model's size, e.g. a 224-pixel short side), and both the CLIP input
 * and the thumbnail come from that decode. Throws on unreadable images.
 */
export async function processImage(path: string, thumbDir: string, clip: PreprocessConfig = CLIP_PREPROCESS): Promise<ImageFacts> {
  const [hash, decoded, exif] = await Promise.all([hashFile(path), decodeForClip(path, clip, MAX_PIXELS), readExif(path)]);
  const thumb = thumbName(hash);
  const thumbFile = join(thumbDir, thumb);
  const thumbSize = thumbnailSize(decoded);
  const data = await sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } })
    .resize(thumbSize.width, thumbSize.height, { fit: 'fill' })
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
