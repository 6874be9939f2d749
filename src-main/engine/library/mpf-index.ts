/**
 * The Multi-Picture Format index of a JPEG (CIPA DC-007): cameras store a screen-size preview after the main image and
 * list it in an APP2 "MPF\0" segment. Only the index is read here; every offset and length is checked against the
 * bytes, and anything malformed reads as "no entries" — the caller then decodes the main image as usual.
 */

/** One image the MP index lists, with its bytes' place in the file (absolute, already bounds-checked). */
export interface MpEntry {
  /** The MP type code (bits 0–23 of the attribute): 0x030000 primary, 0x010001/0x010002 large thumbnails, 0 undefined (e.g. a gain map). */
  type: number;
  /** Image data format (bits 24–26): 0 is JPEG. */
  format: number;
  start: number;
  size: number;
}

/** Large Thumbnail, VGA and Full-HD class: the only MP types that are the same picture, smaller. */
export const LARGE_THUMBNAIL_TYPES: ReadonlySet<number> = new Set([0x010001, 0x010002]);

const MP_ENTRY_TAG = 0xb002;
const UNDEFINED_TYPE = 7;
const ENTRY_BYTES = 16;
/** A sane ceiling: the index of a camera JPEG lists 2–4 images; a corrupt count must not make us loop for long. */
const MAX_ENTRIES = 64;
const MAX_IFD_FIELDS = 64;

/** Where the MPF segment's TIFF-style header starts and where the segment ends, or null when the JPEG has none. */
export function findMpfSegment(bytes: Uint8Array): { header: number; end: number } | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return null;
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    // Start of scan or end of image: the metadata segments (and so the MPF one) come before either.
    if (marker === 0xda || marker === 0xd9) return null;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    const end = pos + 2 + length;
    if (length < 2 || end > bytes.length) return null;
    const body = pos + 4;
    if (marker === 0xe2 && length >= 2 + 4 + 8 && bytes[body] === 0x4d && bytes[body + 1] === 0x50 && bytes[body + 2] === 0x46 && bytes[body + 3] === 0) {
      return { header: body + 4, end };
    }
    pos = end;
  }
  return null;
}

/** The MP index's entries, each checked to lie inside the file; [] for a JPEG without one or with a malformed one. */
export function readMpIndex(bytes: Uint8Array): MpEntry[] {
  const segment = findMpfSegment(bytes);
  if (!segment) return [];
  const { header, end } = segment;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = String.fromCharCode(bytes[header]!, bytes[header + 1]!);
  if (order !== 'II' && order !== 'MM') return [];
  const little = order === 'II';
  const inSegment = (offset: number, length: number) => offset >= 0 && length >= 0 && header + offset + length <= end;
  const u16 = (offset: number) => view.getUint16(header + offset, little);
  const u32 = (offset: number) => view.getUint32(header + offset, little);
  if (u16(2) !== 42) return [];
  const ifd = u32(4);
  if (!inSegment(ifd, 2)) return [];
  const fields = u16(ifd);
  if (fields > MAX_IFD_FIELDS || !inSegment(ifd + 2, fields * 12)) return [];
  for (let i = 0; i < fields; i++) {
    const field = ifd + 2 + i * 12;
    if (u16(field) !== MP_ENTRY_TAG) continue;
    const count = u32(field + 4);
    if (u16(field + 2) !== UNDEFINED_TYPE || count % ENTRY_BYTES !== 0 || count === 0 || count / ENTRY_BYTES > MAX_ENTRIES) return [];
    // MPEntry is always longer than 4 bytes, so the field holds the offset of its values (from the MPF header).
    const values = u32(field + 8);
    if (!inSegment(values, count)) return [];
    return entries(bytes, view, little, header, values, count / ENTRY_BYTES);
  }
  return [];
}

function entries(bytes: Uint8Array, view: DataView, little: boolean, header: number, values: number, count: number): MpEntry[] {
  const out: MpEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = header + values + i * ENTRY_BYTES;
    const attribute = view.getUint32(at, little);
    const size = view.getUint32(at + 4, little);
    const offset = view.getUint32(at + 8, little);
    // The first image's offset is 0 by definition: it starts at the file's SOI, not after the MPF header.
    const start = i === 0 && offset === 0 ? 0 : header + offset;
    if (size < 4 || start + size > bytes.length || (i > 0 && offset === 0)) continue;
    out.push({ type: attribute & 0xffffff, format: (attribute >>> 24) & 0x7, start, size });
  }
  return out;
}
