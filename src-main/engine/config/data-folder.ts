import { statfsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { sep } from 'node:path';
import { AppError } from '@contract';
import { PRIVATE_DIR_MODE } from '../storage/atomic-write';
import { describeIoError, errnoOf, writeError } from '../storage/io-errors';

/** Causes that mean the data folder cannot be written at all (as opposed to a bug). */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EIO']);

/** Creates the data folder private to the user (0700); an existing folder keeps the permissions its owner gave it. */
export async function prepareDataDir(dir: string): Promise<void> {
  try {
    const created = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    // mkdir's mode is filtered by the umask; the data folder itself must end up private whatever the umask.
    if (created !== undefined) await chmod(dir, PRIVATE_DIR_MODE);
  } catch (error) {
    throw dataDirError(dir, error) ?? error;
  }
}

/** The data folder cannot be written (read-only, full, no permission): an AppError naming it and the cause; else null. */
export function dataDirError(dir: string, error: unknown): AppError | null {
  const errno = diskFull(dir, errnoOf(error));
  if (!errno || !UNWRITABLE.has(errno)) return null;
  return new AppError(
    errno === 'ENOSPC' || errno === 'EDQUOT' ? 'INSUFFICIENT_SPACE' : 'IO_ERROR',
    `The data folder ${dir} cannot be written: ${describeIoError(errno === 'ENOSPC' ? { code: errno } : error)}. Free space or fix its permissions, or choose another with --data-dir (or STUDIO_DATA_DIR).`,
    { folder: dir, errno, unwritable: true },
  );
}

/** SQLite reports a write on a full disk as an I/O error: when the folder has no space left, say that. */
function diskFull(dir: string, errno: string | undefined): string | undefined {
  if (errno !== 'EIO') return errno;
  try {
    return statfsSync(dir).bavail === 0 ? 'ENOSPC' : errno;
  } catch {
    return errno;
  }
}

/** Whether an error is dataDirError's (the CLI then opens the folder read-only for commands that only read). */
export function isUnwritableDataDir(error: unknown): boolean {
  return error instanceof AppError && (error.details as { unwritable?: boolean } | undefined)?.unwritable === true;
}

/** An I/O failure during a call, in words: a write to the data folder names the folder, a file elsewhere names the file. */
export function explainIoFailure(dataDir: string, error: unknown): AppError | null {
  const errno = diskFull(dataDir, errnoOf(error));
  if (!errno || (!UNWRITABLE.has(errno) && errno !== 'EMFILE' && errno !== 'ENFILE')) return null;
  const path = (error as { path?: unknown }).path;
  if (typeof path === 'string' && path !== dataDir && !path.startsWith(dataDir + sep)) {
    return new AppError('IO_ERROR', `Cannot use ${path}: ${describeIoError(error)}.`, { path, errno });
  }
  return writeError(dataDir, errno === 'ENOSPC' ? Object.assign(new Error('disk full'), { code: errno }) : error);
}
