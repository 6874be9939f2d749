import type Exifr from 'exifr';
import type { FilesRepository } from '../storage/library/files-repository';
import { NO_METADATA, type PhotoMetadata } from '../storage/library/records';
import { readRegularFile } from '../storage/regular-file';
import { lazyModule } from '../shared/lazy-module';

// Loaded when the first photo's metadata is read, not at startup.
const exifr = lazyModule<typeof Exifr>('exifr');

/** Bumped when the library reads more from photos; indexed photos read with an older version are read again (metadata only). */
export const METADATA_VERSION = 1;

/** Maker strings often carry NULs and padding ("Nokia\0 2 N9"): NULs become spaces, runs of space one. */
export function cleanText(value: unknown): string | null {
  const text = typeof value === 'string' ? value : value && typeof value === 'object' && 'value' in value ? String((value as { value: unknown }).value) : null;
  if (text === null) return null;
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean || null;
}

const positive = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

/** "Canon" + "Canon EOS R5" → "Canon EOS R5"; "NIKON CORPORATION" + "NIKON D850" → "NIKON CORPORATION D850". */
function cameraName(make: string | null, model: string | null): string | null {
  if (!make) return model;
  if (!model) return make;
  const firstWord = make.split(' ')[0]!;
  if (model.toLowerCase().startsWith(make.toLowerCase())) return model;
  if (model.toLowerCase().startsWith(firstWord.toLowerCase())) return `${make} ${model.slice(firstWord.length).trim()}`.trim();
  return `${make} ${model}`;
}

function keywordList(...sources: unknown[]): string[] {
  const out = new Set<string>();
  for (const source of sources) {
    const list = Array.isArray(source) ? source : typeof source === 'string' ? source.split(/[;,]/) : [];
    for (const k of list) {
      const clean = cleanText(k)?.toLowerCase();
      if (clean) out.add(clean);
    }
  }
  return [...out];
}

/** Reads EXIF (with the GPS block, which exifr computes latitude/longitude from), XMP and IPTC; never throws. */
export async function readMetadata(input: string | Buffer): Promise<PhotoMetadata> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = (await exifr.parse(input, { tiff: true, exif: true, gps: true, xmp: true, iptc: true, ifd1: false, interop: false, mergeOutput: true })) as Record<string, unknown> | undefined;
  } catch {
    // No metadata, or metadata the parser cannot read: the image is still fine.
    return { ...NO_METADATA, keywords: [] };
  }
  if (!tags) return { ...NO_METADATA, keywords: [] };
  const date = (tags.DateTimeOriginal ?? tags.CreateDate ?? tags.DateCreated) as Date | undefined;
  const lat = tags.latitude;
  const lon = tags.longitude;
  const validGps = typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0);
  return {
    takenAt: date instanceof Date && !Number.isNaN(date.getTime()) ? date.getTime() : null,
    camera: cameraName(cleanText(tags.Make), cleanText(tags.Model)),
    lens: cleanText(tags.LensModel) ?? cleanText(tags.Lens),
    gpsLat: validGps ? lat : null,
    gpsLon: validGps ? lon : null,
    iso: positive(Array.isArray(tags.ISO) ? tags.ISO[0] : tags.ISO),
    aperture: positive(tags.FNumber),
    shutter: positive(tags.ExposureTime),
    focalLength: positive(tags.FocalLength),
    title: cleanText(tags.title) ?? cleanText(tags.ObjectName) ?? cleanText(tags.Headline),
    caption: cleanText(tags.description) ?? cleanText(tags.Caption) ?? cleanText(tags.ImageDescription),
    keywords: keywordList(tags.subject, tags.Keywords),
  };
}

/** Indexed photos read by an older version of the studio: their metadata is read again (no decode, no new vectors). */
export async function rereadOldMetadata(files: FilesRepository, signal?: AbortSignal): Promise<number> {
  const rows = files.staleMetadata(METADATA_VERSION);
  let done = 0;
  for (const row of rows) {
    if (signal?.aborted) break;
    // Read as a regular file only, with the read's deadline; a photo that cannot be read now is tried again next time.
    const bytes = await readRegularFile(row.path, { signal }).catch(() => null);
    if (!bytes) continue;
    const meta = await readMetadata(bytes);
    files.storeMetadata(row.id, meta, METADATA_VERSION);
    done++;
  }
  return done;
}
