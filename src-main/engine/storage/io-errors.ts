import { AppError } from '@contract';

/** Causes that go away by themselves or when the user fixes something outside the file: retried on the next refresh. */
const TRANSIENT = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EIO', 'EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'ETIMEDOUT', 'ENOMEM']);

export type FailureKind = 'permanent' | 'transient';

/** An errno code from a Node error, a better-sqlite3 error (SQLITE_FULL …) or an AppError carrying one. */
export function errnoOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; details?: { errno?: unknown } } | null;
  if (e && typeof e.details?.errno === 'string') return e.details.errno;
  if (e && typeof e.code === 'string') {
    if (e.code === 'SQLITE_FULL') return 'ENOSPC';
    if (e.code === 'SQLITE_READONLY' || e.code.startsWith('SQLITE_READONLY_')) return 'EROFS';
    if (e.code === 'SQLITE_IOERR' || e.code.startsWith('SQLITE_IOERR_')) return 'EIO';
    if (e.code === 'SQLITE_CANTOPEN') return 'EACCES';
    if (/^E[A-Z0-9]+$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** A bad file stays failed; a full disk, a permission or an I/O error is tried again. */
export function failureKind(error: unknown): FailureKind {
  if (error instanceof AppError && error.code === 'UNAVAILABLE') return 'transient';
  const code = errnoOf(error);
  return code !== undefined && TRANSIENT.has(code) ? 'transient' : 'permanent';
}

/** The cause of an I/O error in words. */
export function describeIoError(error: unknown): string {
  switch (errnoOf(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the folder is read-only';
    case 'EIO':
      return 'an input/output error (failing disk or network share?)';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return ((error as Error)?.message ?? String(error)).split('\n')[0]!;
  }
}

/** A failed write to the data folder as an AppError that names the folder and the cause. */
export function writeError(folder: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const errno = errnoOf(error);
  const code = errno === 'ENOSPC' || errno === 'EDQUOT' ? 'INSUFFICIENT_SPACE' : 'IO_ERROR';
  return new AppError(code, `Cannot write to ${folder}: ${describeIoError(error)}.`, { folder, errno: errno ?? null });
}
