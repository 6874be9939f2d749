import { realpathSync, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { extname, isAbsolute, join, sep } from 'node:path';
import { AppError } from '../../contract/errors';
import { writeFileAtomic } from '../storage/atomic-write';

/** A saved picture is the user's photo like any other in the folder, so it is readable by others (unlike the data dir's files). */
const PHOTO_FILE_MODE = 0o644;

/** The real folder to save into, refused unless it is an existing folder inside one of the library roots (symlinks resolved). */
export function libraryTarget(folder: string, roots: readonly string[]): string {
  if (!isAbsolute(folder)) throw new AppError('INVALID_PARAMS', `Save into an absolute folder path, not “${folder}”.`);
  let real: string;
  try {
    real = realpathSync(folder);
    if (!statSync(real).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new AppError('NOT_FOUND', `${folder} is not a folder the studio can find.`);
  }
  const inside = roots.some((root) => {
    let realRoot: string;
    try {
      realRoot = realpathSync(root);
    } catch {
      return false;
    }
    return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  });
  if (!inside) throw new AppError('INVALID_PARAMS', `${folder} is not inside a library folder; the studio saves pictures only into its library folders.`);
  return real;
}

/** "Name.png", or "Name (2).png", "Name (3).png"… the first that does not exist yet: a save never overwrites a photo. */
export async function freeFileName(folder: string, fileName: string): Promise<string> {
  const ext = extname(fileName);
  const stem = fileName.slice(0, fileName.length - ext.length);
  for (let n = 1; n < 10_000; n++) {
    const candidate = join(folder, n === 1 ? fileName : `${stem} (${n})${ext}`);
    try {
      await access(candidate);
    } catch {
      return candidate;
    }
  }
  throw new AppError('CONFLICT', `Too many files named like “${fileName}” in ${folder}.`);
}

/** Saves into one folder one at a time, so two saves at once cannot both pick the same free name. */
const folderQueues = new Map<string, Promise<unknown>>();

/** Writes the picture atomically under a free name in the folder; returns its path. */
export function saveIntoLibrary(folder: string, roots: readonly string[], fileName: string, bytes: Uint8Array): Promise<string> {
  const real = libraryTarget(folder, roots);
  const previous = folderQueues.get(real) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const target = await freeFileName(real, fileName);
      await writeFileAtomic(target, bytes, PHOTO_FILE_MODE);
      return target;
    });
  folderQueues.set(real, next);
  void next.catch(() => undefined).finally(() => {
    if (folderQueues.get(real) === next) folderQueues.delete(real);
  });
  return next;
}
