import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@contract';
import type { JobContext } from '../jobs/runner';

const MiB = 1024 * 1024;
const CHUNK_MiB = 4;
/** Space the check always leaves free, so it can never fill the disk. */
const RESERVE_BYTES = 512 * MiB;

export interface DiskCheckResult {
  megabytes: number;
  /** Sustained write speed with each chunk synced to disk. */
  writeMBps: number;
  /** Read-back speed (often served from the OS cache, so an upper bound). */
  readMBps: number;
  verified: boolean;
}

/**
 * Writes `megabytes` of random data into the data dir, syncing every chunk, reads it back,
 * verifies its hash, and removes it — a real check that the data dir is writable, durable and fast enough.
 * Progress counts MB written plus MB verified.
 */
export async function diskCheck(dataDir: string, megabytes: number, ctx: JobContext): Promise<DiskCheckResult> {
  const dir = join(dataDir, 'tmp');
  await mkdir(dir, { recursive: true });
  const stats = await statfs(dir);
  const free = stats.bavail * stats.bsize;
  if (free < megabytes * MiB + RESERVE_BYTES) {
    throw new AppError(
      'INSUFFICIENT_SPACE',
      `Not enough free space in ${dataDir}: the check needs ${megabytes} MB plus a 512 MB reserve, ${Math.floor(free / MiB)} MB are free.`,
      { neededMB: megabytes, freeMB: Math.floor(free / MiB) },
    );
  }

  const file = join(dir, `disk-check-${process.pid}-${Date.now()}.bin`);
  const total = megabytes * 2;
  ctx.progress(0, total);
  try {
    const written = createHash('sha256');
    const writeStart = performance.now();
    const out = await open(file, 'wx');
    try {
      for (let done = 0; done < megabytes; ) {
        ctx.throwIfCancelled();
        const size = Math.min(CHUNK_MiB, megabytes - done);
        const chunk = randomBytes(size * MiB);
        written.update(chunk);
        await out.write(chunk);
        await out.datasync();
        done += size;
        ctx.progress(done);
      }
    } finally {
      await out.close();
    }
    const writeSeconds = (performance.now() - writeStart) / 1000;

    const read = createHash('sha256');
    const readStart = performance.now();
    const input = await open(file, 'r');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_MiB * MiB);
      for (let done = 0; done < megabytes; ) {
        ctx.throwIfCancelled();
        const { bytesRead } = await input.read(buffer, 0, buffer.length, done * MiB);
        if (bytesRead === 0) break;
        read.update(buffer.subarray(0, bytesRead));
        done += bytesRead / MiB;
        ctx.progress(megabytes + done);
      }
    } finally {
      await input.close();
    }
    const readSeconds = (performance.now() - readStart) / 1000;

    const verified = written.digest('hex') === read.digest('hex');
    if (!verified) {
      throw new AppError('IO_ERROR', `Data read back from ${dataDir} differs from what was written: the disk or its driver is corrupting data.`);
    }
    return {
      megabytes,
      writeMBps: round(megabytes / Math.max(writeSeconds, 1e-6)),
      readMBps: round(megabytes / Math.max(readSeconds, 1e-6)),
      verified,
    };
  } finally {
    await rm(file, { force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
