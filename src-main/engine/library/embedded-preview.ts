import type Exifr from 'exifr';
import { lazyModule } from '../shared/lazy-module';
import { sharp } from '../shared/native-packages';
import { decodeForClip, resizeForClip, targetSize, type PreprocessConfig, type ResizedImage } from '../clip/preprocess';
import { LARGE_THUMBNAIL_TYPES, readMpIndex } from './mpf-index';

// Loaded on first use, not at startup (see lazyModule).
const exifr = lazyModule<typeof Exifr>('exifr');

/** A preview must have at least this many pixels on its short side (and at least what the model resizes to). */
export const MIN_PREVIEW_SIDE = 224;
/** Upright aspect ratios may differ by this fraction (a 3:2 photo's 1616×1080 preview is 0.25 % off; a letterbox is far more). */
export const ASPECT_TOLERANCE = 0.01;

/** The upright size of the embedded preview indexing decoded instead of the full image. */
export interface PreviewSize {
  width: number;
  height: number;
}

/** What indexing decoded: the model-size image, and the preview it came from (null: the full image was decoded). */
export interface IndexDecode {
  decoded: ResizedImage;
  preview: PreviewSize | null;
}

/**
 * An EXIF orientation as sharp's explicit operations (which flip/flop before they rotate). Explicit, because the main
 * image's orientation applies to the preview: previews are stored as the sensor saw them, like the main image, and when
 * an editor turns a photo by its tag it changes the main image's tag only — so the preview's own tag, if it has one,
 * is ignored. A preview whose pixels were turned by the camera no longer matches the main image's upright aspect and is refused.
 */
const ORIENTATIONS: Record<number, { angle: number; flip: boolean; flop: boolean }> = {
  1: { angle: 0, flip: false, flop: false },
  2: { angle: 0, flip: false, flop: true },
  3: { angle: 180, flip: false, flop: false },
  4: { angle: 0, flip: true, flop: false },
  5: { angle: 90, flip: true, flop: false },
  6: { angle: 90, flip: false, flop: false },
  7: { angle: 90, flip: false, flop: true },
  8: { angle: 270, flip: false, flop: false },
};

const upright = (width: number, height: number, orientation: number) => (orientation >= 5 ? { width: height, height: width } : { width, height });

interface Candidate extends PreviewSize {
  bytes: Buffer;
}

/** The JPEGs a camera file embeds as smaller copies of itself: MPF large thumbnails, and the EXIF IFD1 thumbnail. */
async function embeddedJpegs(bytes: Buffer): Promise<Buffer[]> {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return [];
  const mpf = readMpIndex(bytes)
    .filter((e) => e.start > 0 && e.format === 0 && LARGE_THUMBNAIL_TYPES.has(e.type))
    .map((e) => bytes.subarray(e.start, e.start + e.size));
  // Usually 160×120 and refused below; some cameras store a larger one. exifr throws on a length past its data (caught);
  // a length cut short gives a JPEG that does not decode, and the next candidate or the full image is used.
  const ifd1 = await exifr.thumbnail(bytes).catch(() => undefined);
  return ifd1 && ifd1.length > 0 ? [...mpf, Buffer.from(ifd1.buffer, ifd1.byteOffset, ifd1.byteLength)] : mpf;
}

/** An embedded JPEG's stored size, or null when it does not start or read as a JPEG. */
async function storedSize(preview: Buffer): Promise<Candidate | null> {
  if (preview[0] !== 0xff || preview[1] !== 0xd8 || preview[2] !== 0xff) return null;
  const own = await sharp(preview, { pages: 1 })
    .metadata()
    .catch(() => null);
  return own?.format === 'jpeg' && own.width && own.height ? { width: own.width, height: own.height, bytes: preview } : null;
}

/** The embedded JPEG previews fit to stand in for this image (upright sizes), largest first; null when there are none. */
async function usablePreviews(bytes: Buffer, config: PreprocessConfig, limitInputPixels: number): Promise<{ main: ResizedImage['source']; previews: Candidate[] } | null> {
  // The usual 160×120 EXIF thumbnail is dropped here, before the main image's header is read.
  const embedded = (await Promise.all((await embeddedJpegs(bytes)).map(storedSize))).filter((c): c is Candidate => !!c && Math.min(c.width, c.height) >= MIN_PREVIEW_SIDE);
  if (embedded.length === 0) return null;
  const meta = await sharp(bytes, { pages: 1 }).metadata();
  if (meta.format !== 'jpeg' || !meta.width || !meta.height || meta.width * meta.height > limitInputPixels) return null;
  const orientation = ORIENTATIONS[meta.orientation ?? 1] ? (meta.orientation ?? 1) : 1;
  const main = { ...upright(meta.width, meta.height, orientation), format: meta.format, orientation: meta.orientation ?? null };
  const needed = targetSize(main.width, main.height, config);
  const minSide = Math.max(MIN_PREVIEW_SIDE, Math.min(needed.width, needed.height));
  const previews = embedded
    .map((stored) => ({ ...upright(stored.width, stored.height, orientation), bytes: stored.bytes }))
    .filter((size) => {
      const aspectGap = Math.abs(size.width / size.height - main.width / main.height) / (main.width / main.height);
      const smaller = size.width <= main.width && size.height <= main.height && size.width * size.height < main.width * main.height;
      return Math.min(size.width, size.height) >= minSide && aspectGap <= ASPECT_TOLERANCE && smaller;
    });
  return { main, previews: previews.sort((a, b) => b.width * b.height - a.width * a.height) };
}

/**
 * Decodes a camera's embedded preview (MPF, or a large EXIF thumbnail) in place of the full image, turned by the main
 * image's orientation and resized as the model asks; `source` still describes the main image. Null when there is no
 * usable preview or none decodes — never throws for a malformed index or preview.
 */
export async function decodeEmbeddedPreview(bytes: Buffer, config: PreprocessConfig, limitInputPixels: number): Promise<IndexDecode | null> {
  const found = await usablePreviews(bytes, config, limitInputPixels).catch(() => null);
  if (!found) return null;
  const turn = ORIENTATIONS[found.main.orientation ?? 1] ?? ORIENTATIONS[1]!;
  for (const preview of found.previews) {
    try {
      const image = sharp(preview.bytes, { failOn: 'error', pages: 1, limitInputPixels }).rotate(turn.angle).flip(turn.flip).flop(turn.flop);
      const decoded = await resizeForClip(image, preview, config);
      return { decoded: { ...decoded, source: found.main }, preview: { width: preview.width, height: preview.height } };
    } catch {
      // A damaged preview: try the next one, then the full image.
    }
  }
  return null;
}

/** The decode indexing uses: the embedded preview where a usable one exists, else the full image with shrink-on-load. */
export async function decodeForIndex(bytes: Buffer, config: PreprocessConfig, limitInputPixels: number): Promise<IndexDecode> {
  const fromPreview = await decodeEmbeddedPreview(bytes, config, limitInputPixels);
  return fromPreview ?? { decoded: await decodeForClip(bytes, config, limitInputPixels), preview: null };
}
