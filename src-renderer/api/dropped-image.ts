/** The picture formats the studio reads, told by their first bytes (never by the file name). */
export function sniffImage(head: Uint8Array): string | null {
  const at = (offset: number, ...bytes: number[]) => bytes.every((b, i) => head[offset + i] === b);
  const ascii = (offset: number, text: string) => at(offset, ...[...text].map((c) => c.charCodeAt(0)));
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (ascii(4, 'ftyp') && (ascii(8, 'avif') || ascii(8, 'avis'))) return 'avif';
  return null;
}

/** Formats browsers decode themselves, so a damaged file is caught before it is sent. */
const BROWSER_DECODES = new Set(['jpeg', 'png', 'gif', 'webp', 'avif']);

/**
 * Checks a file the user dropped or chose before anything is uploaded: an error that names their own file, or null
 * when it is a picture the studio can read.
 */
export async function checkDroppedImage(file: File): Promise<string | null> {
  if (file.size === 0) return `“${file.name}” is empty (0 bytes).`;
  const format = sniffImage(new Uint8Array(await file.slice(0, 16).arrayBuffer()));
  if (!format) return `“${file.name}” is not a picture the studio can read (JPEG, PNG, WebP, AVIF, TIFF or GIF).`;
  if (BROWSER_DECODES.has(format) && typeof createImageBitmap === 'function') {
    try {
      (await createImageBitmap(file)).close();
    } catch {
      return `“${file.name}” looks like a ${format.toUpperCase()} but is damaged: it cannot be decoded.`;
    }
  }
  return null;
}
