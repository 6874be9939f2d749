import { realpath } from 'node:fs/promises';
import { readRegularFile } from '../engine/storage/regular-file';
import { extname, join, relative, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Hashed build assets never change; everything else is revalidated. */
  immutable: boolean;
}

/** Resolves a URL path inside `root` only; anything escaping it (.., encoded separators) is not found. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const absRoot = resolve(root);
  const target = resolve(join(absRoot, rel));
  const back = relative(absRoot, target);
  if (back === '' || back.startsWith('..') || back.split(sep).includes('..')) return null;
  return target;
}

/**
 * resolveInside, then by real path: a symlink inside the folder that points outside it (planted in the data folder, or
 * left by a tool) is not followed out.
 */
export async function resolveRealInside(root: string, urlPath: string): Promise<string | null> {
  const path = resolveInside(root, urlPath);
  if (!path) return null;
  try {
    const [real, realRoot] = await Promise.all([realpath(path), realpath(root)]);
    return real === realRoot || !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep) ? null : real;
  } catch {
    return null;
  }
}

export async function readStatic(root: string, urlPath: string, immutable = urlPath.startsWith('/assets/')): Promise<StaticFile | null> {
  const path = await resolveRealInside(root, urlPath);
  if (!path) return null;
  try {
    return {
      // A regular file only (checked on the opened file), so a FIFO or device planted there cannot hang the host.
      body: await readRegularFile(path, { timeoutMs: 30_000 }),
      contentType: MIME[extname(path)] ?? 'application/octet-stream',
      immutable,
    };
  } catch {
    return null;
  }
}
