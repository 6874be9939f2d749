/**
 * Camera-style JPEGs with an embedded preview, for tests and the indexing bench: the main JPEG with an APP2 "MPF\0"
 * segment (CIPA DC-007 Multi-Picture Format) and the preview JPEG appended after the main image's EOI; or (at the end
 * of this file) with a large EXIF IFD1 thumbnail.
 *
 * Layout written (offsets in the MP index count from the MPF header, i.e. the byte-order mark right after "MPF\0"):
 *   FFD8 [APP0/APP1 of the main image] FFE2 len "MPF\0"
 *     header:  "MM" 002A 00000008                (or "II" 2A00 08000000)
 *     +8:      MP Index IFD, 3 fields: B000 MPFVersion UNDEFINED 4 "0100"; B001 NumberOfImages LONG 1 = 2;
 *              B002 MPEntry UNDEFINED 32 → +50; next IFD 0
 *     +50:     MPEntry 1: attribute 0x20030000 (representative, baseline primary), size of the main image, offset 0, 0, 0
 *     +66:     MPEntry 2: attribute 0x00010002 (large thumbnail, full-HD class), size of the preview, offset of its SOI, 0, 0
 *   [rest of the main image … FFD9] [preview FFD8 … FFD9]
 */

export interface MpfOptions {
  /** Little-endian ("II") index instead of big-endian ("MM"), as some cameras write. */
  littleEndian?: boolean;
}

/** One image after the main one, and how its MP entry describes it. */
export interface MpfImage {
  bytes: Buffer;
  /** The MP type code (0x010002 large thumbnail by default; 0 reads as "undefined", e.g. a gain map). */
  type?: number;
  /** Overrides for the entry's offset (from the MPF header) and size: malformed files for tests. */
  offset?: number;
  size?: number;
}

const IFD_AT = 8;
const FIELDS = 3;
const ENTRIES_AT = IFD_AT + 2 + FIELDS * 12 + 4;
const ENTRY_BYTES = 16;

/** Where the main image's metadata segments (APP0 JFIF, APP1 Exif/XMP) end: the MPF segment goes right after them. */
function afterAppSegments(jpeg: Buffer): number {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('withMpfPreview: the main image is not a JPEG');
  let pos = 2;
  while (pos + 4 <= jpeg.length && jpeg[pos] === 0xff && (jpeg[pos + 1] === 0xe0 || jpeg[pos + 1] === 0xe1)) pos += 2 + jpeg.readUInt16BE(pos + 2);
  return pos;
}

/** The APP2 segment: marker, length, "MPF\0", then the MP header, index IFD and entries as laid out above. */
function mpfSegment(entries: { attribute: number; size: number; offset: number }[], little: boolean): Buffer {
  const header = Buffer.alloc(ENTRIES_AT + entries.length * ENTRY_BYTES);
  const u16 = (value: number, at: number) => (little ? header.writeUInt16LE(value, at) : header.writeUInt16BE(value, at));
  const u32 = (value: number, at: number) => (little ? header.writeUInt32LE(value >>> 0, at) : header.writeUInt32BE(value >>> 0, at));
  header.write(little ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(IFD_AT, 4);
  u16(FIELDS, IFD_AT);
  const field = (i: number, tag: number, kind: number, count: number) => {
    const at = IFD_AT + 2 + i * 12;
    u16(tag, at);
    u16(kind, at + 2);
    u32(count, at + 4);
    return at + 8;
  };
  header.write('0100', field(0, 0xb000, 7, 4), 'latin1');
  u32(entries.length, field(1, 0xb001, 4, 1));
  u32(ENTRIES_AT, field(2, 0xb002, 7, entries.length * ENTRY_BYTES));
  u32(0, IFD_AT + 2 + FIELDS * 12); // no MP Attribute IFD follows
  entries.forEach((entry, i) => {
    u32(entry.attribute, ENTRIES_AT + i * ENTRY_BYTES);
    u32(entry.size, ENTRIES_AT + i * ENTRY_BYTES + 4);
    u32(entry.offset, ENTRIES_AT + i * ENTRY_BYTES + 8);
    // Dependent image entry numbers (2 × SHORT) stay 0.
  });
  const body = Buffer.concat([Buffer.from('MPF\0', 'latin1'), header]);
  const marker = Buffer.from([0xff, 0xe2, 0, 0]);
  marker.writeUInt16BE(2 + body.length, 2);
  return Buffer.concat([marker, body]);
}

/** The main JPEG with further images appended after its EOI and listed, with it, in an MPF index. */
export function withMpfImages(main: Buffer, images: readonly MpfImage[], options: MpfOptions = {}): Buffer {
  const insertAt = afterAppSegments(main);
  const segmentSize = 4 + 4 + ENTRIES_AT + (images.length + 1) * ENTRY_BYTES;
  const header = insertAt + 8; // after FFE2, the length and "MPF\0"
  let next = main.length + segmentSize;
  const entries = [{ attribute: 0x20030000, size: main.length + segmentSize, offset: 0 }];
  for (const image of images) {
    entries.push({ attribute: (image.type ?? 0x010002) & 0xffffff, size: image.size ?? image.bytes.length, offset: image.offset ?? next - header });
    next += image.bytes.length;
  }
  const segment = mpfSegment(entries, options.littleEndian ?? false);
  return Buffer.concat([main.subarray(0, insertAt), segment, main.subarray(insertAt), ...images.map((image) => image.bytes)]);
}

/** The main JPEG with `preview` (a JPEG) embedded as a camera does: listed in an MPF index, stored after the main image. */
export function withMpfPreview(main: Buffer, preview: Buffer, options: MpfOptions & Omit<MpfImage, 'bytes'> = {}): Buffer {
  return withMpfImages(main, [{ bytes: preview, type: options.type, offset: options.offset, size: options.size }], options);
}

/**
 * The main JPEG (without EXIF of its own) with an APP1 Exif segment right after SOI/APP0 holding IFD0 (Orientation) and
 * an IFD1 thumbnail — the other place cameras keep a preview (sharp's withExif writes no IFD1). Big-endian:
 *   "Exif\0\0" header: "MM" 002A 00000008
 *   +8:  IFD0, 1 field: 0112 Orientation SHORT 1; next IFD → +26
 *   +26: IFD1, 3 fields: 0103 Compression SHORT 1 = 6 (JPEG); 0201 JPEGInterchangeFormat LONG → +68; 0202 JPEGInterchangeFormatLength LONG; next 0
 *   +68: the thumbnail JPEG (an APP1 segment holds at most 64 KB, so the thumbnail must fit in it)
 */
export function withExifThumbnail(main: Buffer, thumbnail: Buffer, options: { orientation?: number; length?: number } = {}): Buffer {
  if (main[0] !== 0xff || main[1] !== 0xd8) throw new Error('withExifThumbnail: the main image is not a JPEG');
  const insertAt = main[2] === 0xff && main[3] === 0xe0 ? 4 + main.readUInt16BE(4) : 2;
  for (let pos = 2; pos + 10 <= afterAppSegments(main); pos += 2 + main.readUInt16BE(pos + 2)) {
    if (main[pos + 1] === 0xe1 && main.subarray(pos + 4, pos + 10).toString('latin1') === 'Exif\0\0') throw new Error('withExifThumbnail: the main image already has EXIF');
  }
  const tiff = Buffer.alloc(68);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  const field = (at: number, tag: number, kind: number, value: number) => {
    tiff.writeUInt16BE(tag, at);
    tiff.writeUInt16BE(kind, at + 2);
    tiff.writeUInt32BE(1, at + 4);
    if (kind === 3) tiff.writeUInt16BE(value, at + 8);
    else tiff.writeUInt32BE(value >>> 0, at + 8);
  };
  tiff.writeUInt16BE(1, 8);
  field(10, 0x0112, 3, options.orientation ?? 1);
  tiff.writeUInt32BE(26, 22);
  tiff.writeUInt16BE(3, 26);
  field(28, 0x0103, 3, 6);
  field(40, 0x0201, 4, 68);
  field(52, 0x0202, 4, options.length ?? thumbnail.length);
  tiff.writeUInt32BE(0, 64);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff, thumbnail]);
  if (2 + body.length > 0xffff) throw new Error(`withExifThumbnail: a ${thumbnail.length}-byte thumbnail does not fit in one APP1 segment (64 KB)`);
  const marker = Buffer.from([0xff, 0xe1, 0, 0]);
  marker.writeUInt16BE(2 + body.length, 2);
  return Buffer.concat([main.subarray(0, insertAt), marker, body, main.subarray(insertAt)]);
}
