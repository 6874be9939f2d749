import { AppError } from '@contract';
import { contentHash } from '../shared/content-hash';
import { writeFileAtomic } from '../storage/atomic-write';
import { describeIoError, errnoOf } from '../storage/io-errors';
import { readRegularFile, withDeadline, type ReadOptions } from '../storage/regular-file';
import { join } from 'node:path';
import { sharp } from '../shared/native-packages';
import { CLIP_PREPROCESS, cropAndNormalize, type PreprocessConfig, type ResizedImage } from '../clip/preprocess';
import type { IndexedFacts } from '../storage/library/records';
import { decodeForIndex } from './embedded-preview';
import { readMetadata } from './metadata';

/** What indexing learns from a photo (see IndexedFacts), plus the CLIP input tensor (CHW float32) from the same decode as the thumbnail. */
export interface ImageFacts extends IndexedFacts {
  clipInput: Float32Array;
}

export const THUMB_SIZE = 320;
/** Images above this many pixels are refused (decompression bombs); 16384×16384 is sharp's own default. */
export const MAX_PIXELS = 16384 * 16384;

/** Where a thumbnail lives: sharded by hash so no folder grows huge; shared by duplicates. */
export function thumbName(hash: string): string {
  return join(hash.slice(0, 2), `${hash}.webp`);
}

/** Signatures of the formats the library reads: a file that starts like one but does not decode is damaged. */
const SIGNATURES: ((b: Buffer) => boolean)[] = [
  (b) => b[0] === 0x89 && b.subarray(1, 4).toString('latin1') === 'PNG',
  (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  (b) => ['II*\0', 'MM\0*'].includes(b.subarray(0, 4).toString('latin1')),
  (b) => b.subarray(4, 8).toString('latin1') === 'ftyp',
];

/**
 * A decode failure in words, decided from the bytes: libvips' own message is not reliable when several decodes fail at
 * once (it can read “Unknown error”), but whether the file starts like an image is.
 */
function decodeFailure(error: unknown, bytes: Buffer, path: string): unknown {
  const message = (error as Error)?.message ?? String(error);
  if (/pixel limit/i.test(message) || bytes.length === 0) return error;
  const detail = /\((.*)\)\.?$/.exec(message.split('\n')[0]!)?.[1] ?? message.split('\n')[0]!;
  const reason = SIGNATURES.some((looksLike) => looksLike(bytes))
    ? `The image is damaged or truncated${detail && detail !== 'Unknown error' ? ` (${detail})` : ''}.`
    : 'This is not an image the studio can read (its contents do not match its extension).';
  return new AppError('BAD_IMAGE', reason, { path, final: true });
}

/** Why a file could not be read, in words for the failed-files list. */
export function failureReason(error: unknown, size: number): string {
  const message = (error as Error).message ?? String(error);
  if (size === 0) return 'The file is empty (0 bytes).';
  if (errnoOf(error) && errnoOf(error) !== 'ETIMEDOUT') return `${describeIoError(error)[0]!.toUpperCase()}${describeIoError(error).slice(1)} (${errnoOf(error)}).`;
  if (error instanceof AppError && (error.code !== 'BAD_IMAGE' || (error.details as { final?: boolean } | undefined)?.final)) return message;
  if (/not a file the studio reads/.test(message)) return message;
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
 * file is decoded once (JPEGs shrink on load to the model's size, e.g. a 224-pixel short side; a camera JPEG's embedded
 * preview is decoded instead of the full image where it is large enough), and both the CLIP input and the thumbnail
 * come from that decode; the hash is the whole file's and the size the main image's. Throws on unreadable images.
 */
export async function processImage(path: string, thumbDir: string, clip: PreprocessConfig = CLIP_PREPROCESS, read: ReadOptions = {}): Promise<ImageFacts> {
  // Read once, as a regular file only (a FIFO or /dev/zero named like a photo cannot wedge or spin the indexer).
  const bytes = await readRegularFile(path, read);
  const decoding = decodeForIndex(bytes, clip, MAX_PIXELS).catch((error: unknown) => Promise.reject(decodeFailure(error, bytes, path)));
  const [{ decoded, preview }, exif, hash] = await withDeadline(Promise.all([decoding, readMetadata(bytes), contentHash(bytes)]), path, read);
  const thumb = thumbName(hash);
  const thumbFile = join(thumbDir, thumb);
  const thumbSize = thumbnailSize(decoded);
  const data = await sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } })
    .resize(thumbSize.width, thumbSize.height, { fit: 'fill' })
    // Effort 1 encodes a thumbnail in under half the time of the default effort 4 (a few hundred bytes larger): on a few
    // cores every millisecond of encoding is taken from the model.
    .webp({ quality: 80, effort: 1 })
    .toBuffer();
  await writeFileAtomic(thumbFile, data);
  return {
    hash,
    format: decoded.source.format,
    width: decoded.source.width,
    height: decoded.source.height,
    orientation: decoded.source.orientation,
    ...exif,
    thumb,
    preview,
    clipInput: cropAndNormalize(decoded, clip),
  };
}
