import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';

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
 * Reads what the library keeps about an image — content hash, dimensions (after EXIF orientation), EXIF facts — and writes
 * its thumbnail (EXIF-rotated, shrink-on-load, WebP) atomically into `thumbDir`. Throws on unreadable images.
 */
export async function processImage(path: string, thumbDir: string): Promise<ImageFacts> {
  const hash = await hashFile(path);
  const meta = await sharp(path, { failOn: 'error', limitInputPixels: MAX_PIXELS }).metadata();
  if (!meta.width || !meta.height || !meta.format) throw new Error('unsupported image format');
  const swap = (meta.orientation ?? 1) >= 5;
  const thumb = thumbName(hash);
  const thumbFile = join(thumbDir, thumb);
  const data = await sharp(path, { failOn: 'error', limitInputPixels: MAX_PIXELS, pages: 1 })
    .rotate()
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
  await mkdir(join(thumbFile, '..'), { recursive: true });
  const temp = `${thumbFile}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, thumbFile);
  return {
    hash,
    format: meta.format,
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    orientation: meta.orientation ?? null,
    ...(await readExif(path)),
    thumb,
  };
}
