import { createHash } from 'node:crypto';
import { existsSync, utimesSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, CONTENT_HASH } from '@contract';
import { writeFileAtomic } from './atomic-write';
import { writeError } from './io-errors';

/** Largest file the studio accepts as a dropped image. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
/** Dropped files not used for this long are removed at startup (ones a saved query names are kept). */
export const UPLOAD_MAX_AGE_MS = 30 * 24 * 3600_000;

/** Sizes in the binary units limits are set in (64 MiB, not “67 MB”). */
function mib(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes >= 1048576 ? [bytes / 1048576, 'MiB'] : [bytes / 1024, 'KiB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/** The 413 wording, in the unit the limit is set in. */
export function tooLargeMessage(limit: number): string {
  return `The file is larger than ${mib(limit)}.`;
}

/**
 * Files the user drops onto the studio (e.g. an image to search by), kept content-addressed in the data dir so the
 * engine reads only from its own folders. The id is the content's sha256.
 */
export class Uploads {
  constructor(private readonly dir: string) {}

  async put(bytes: Uint8Array): Promise<string> {
    if (bytes.byteLength === 0) throw new AppError('INVALID_PARAMS', 'The dropped file is empty.');
    if (bytes.byteLength > MAX_UPLOAD_BYTES) {
      throw new AppError('INVALID_PARAMS', `The dropped file is ${mib(bytes.byteLength)}; the limit is ${mib(MAX_UPLOAD_BYTES)}.`);
    }
    const id = createHash('sha256').update(bytes).digest('hex');
    const file = join(this.dir, id);
    // Writers of the same content are queued by writeFileAtomic; each gets the same, complete file.
    if (!existsSync(file)) await writeFileAtomic(file, bytes).catch((error) => Promise.reject(writeError(this.dir, error)));
    return id;
  }

  path(id: string): string {
    if (!CONTENT_HASH.test(id)) throw new AppError('INVALID_PARAMS', 'That is not an upload id.');
    const file = join(this.dir, id);
    if (!existsSync(file)) throw new AppError('NOT_FOUND', 'That dropped file is no longer available; drop it again.');
    try {
      // Marks it as used, for the age-based sweep.
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // A read-only data folder: the file is still readable.
    }
    return file;
  }

  /** Removes uploads not used for `maxAgeMs`, except those in `keep`. Returns how many were removed. */
  async sweep(keep: ReadonlySet<string>, maxAgeMs = UPLOAD_MAX_AGE_MS, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      if (!CONTENT_HASH.test(name) || keep.has(name)) continue;
      const info = await stat(join(this.dir, name)).catch(() => null);
      if (info && now - info.mtimeMs > maxAgeMs && (await rm(join(this.dir, name)).then(() => true, () => false))) removed++;
    }
    return removed;
  }
}
