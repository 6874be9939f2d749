import { extname } from 'node:path';

/** Extensions the library indexes, by format name (as sharp reports it). */
const SUPPORTED: Record<string, string> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.jpe': 'jpeg',
  '.png': 'png',
  '.webp': 'webp',
  '.avif': 'heif',
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.gif': 'gif',
};

/** Image-like files the library lists but cannot index yet, with the reason shown to the user. */
const UNSUPPORTED: Record<string, string> = {
  '.heic': 'HEIC photos need a codec the bundled image library does not include; export them as JPEG.',
  '.heif': 'HEIF photos need a codec the bundled image library does not include; export them as JPEG.',
  '.dng': 'Camera RAW files are not supported yet; export them as JPEG or TIFF.',
  '.cr2': 'Camera RAW files are not supported yet; export them as JPEG or TIFF.',
  '.cr3': 'Camera RAW files are not supported yet; export them as JPEG or TIFF.',
  '.nef': 'Camera RAW files are not supported yet; export them as JPEG or TIFF.',
  '.arw': 'Camera RAW files are not supported yet; export them as JPEG or TIFF.',
  '.raf': 'Camera RAW files are not supported yet; export them as JPEG or TIFF.',
  '.orf': 'Camera RAW files are not supported yet; export them as JPEG or TIFF.',
  '.psd': 'Photoshop documents are not supported; export a flattened PNG or JPEG.',
  '.bmp': 'BMP is not supported; convert to PNG.',
  '.svg': 'Vector drawings are not indexed; export a PNG.',
};

export type FileKind = { kind: 'image'; format: string } | { kind: 'unsupported'; reason: string } | { kind: 'other' };

export function classify(path: string): FileKind {
  const ext = extname(path).toLowerCase();
  if (SUPPORTED[ext]) return { kind: 'image', format: SUPPORTED[ext] };
  if (UNSUPPORTED[ext]) return { kind: 'unsupported', reason: UNSUPPORTED[ext] };
  return { kind: 'other' };
}
