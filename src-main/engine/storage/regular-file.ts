import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { AppError } from '@contract';

export interface ReadOptions {
  signal?: AbortSignal;
  /** A read that takes longer fails (transient: retried next time); a stuck network share cannot wedge a job. */
  timeoutMs?: number;
  /** Larger files are refused (permanent). */
  maxBytes?: number;
}

/** 10 minutes per file is far beyond any healthy disk. */
export const DEFAULT_READ_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024 * 1024;

/**
 * Reads a whole file, but only a regular one. The check is made on the opened handle (fstat after open, so a file swapped
 * for a FIFO or a device between a check and the open cannot slip through), and the open does not block on a FIFO
 * (O_NONBLOCK). The read gives up on abort or after the timeout, even while the disk is stuck; the handle is closed
 * when the system call returns.
 */
export async function readRegularFile(path: string, options: ReadOptions = {}): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  const read = (async () => {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(path, info.isFIFO() ? 'a FIFO (named pipe)' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file');
    const max = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (info.size > max) throw new AppError('BAD_IMAGE', `${path} is ${Math.round(info.size / 1048576)} MiB; files over ${Math.round(max / 1048576)} MiB are not read.`, { path });
    return handle.readFile();
  })();
  read.finally(() => handle.close().catch(() => undefined)).catch(() => undefined);
  return withDeadline(read, path, options);
}

function notRegular(path: string, what: string): AppError {
  return new AppError('BAD_IMAGE', `${path} is ${what}, not a file the studio reads.`, { path });
}

/** Settles with `work`, or fails as soon as the signal aborts or the time is up (the work itself is left to finish). */
export function withDeadline<T>(work: Promise<T>, path: string, options: ReadOptions): Promise<T> {
  const { signal, timeoutMs = DEFAULT_READ_TIMEOUT_MS } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AppError('UNAVAILABLE', `Reading ${path} took over ${Math.round(timeoutMs / 1000)} s; it will be tried again.`, { path, errno: 'ETIMEDOUT' })), timeoutMs);
    const onAbort = () => reject(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}
