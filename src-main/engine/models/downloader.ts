import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '@contract';
import { checkCommit, hostFacts, probeHost, type HostFacts, type HostHash } from './host-hash';

export interface DownloadSpec {
  url: string;
  /** Final path; data goes to `${dest}.part` until verified. */
  dest: string;
  /** Expected sha256 (hex); when null, the host's published hash (X-Linked-ETag) is used if it sends one. */
  sha256?: string | null;
  /** Expected size, if known. */
  bytes?: number | null;
  /** The full commit the file is pinned to: a host that says it serves another one is refused. */
  revision?: string;
}

export interface DownloadResult {
  bytes: number;
  sha256: string;
  /** Where the hash that was checked came from. */
  verifiedAgainst: 'manifest' | 'host' | 'none';
  /** The host's hash that was checked (when verified against the host). */
  hostHash: HostHash | null;
  /** Bytes that were already on disk from an earlier, interrupted download. */
  resumedFrom: number;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Bytes done and total (null while unknown). */
  onProgress?: (done: number, total: number | null) => void;
  /** Attempts after a dropped connection (each resumes where the last stopped). */
  retries?: number;
  retryDelayMs?: number;
  /** Space left free on the disk, on top of the download. */
  reserveBytes?: number;
  fetch?: typeof fetch;
  freeBytes?: (dir: string) => Promise<number>;
  /** A connection that sends nothing for this long (headers or body) counts as dropped and is retried. Default 30 s. */
  stallTimeoutMs?: number;
}

/** An abort signal that fires when `kick` has not been called for `ms`: a stalled connection, told from a slow one. */
function stallWatch(ms: number): { signal: AbortSignal; kick: () => void; stop: () => void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const kick = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`the connection stalled: no data for ${Math.round(ms / 1000)} s`)), ms);
    timer.unref();
  };
  kick();
  return { signal: controller.signal, kick, stop: () => clearTimeout(timer) };
}

async function freeBytesOf(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string, hashes: Hash[]): Promise<void> {
  for await (const chunk of createReadStream(path)) for (const hash of hashes) hash.update(chunk as Buffer);
}

function networkError(url: string, error: unknown): AppError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as NodeJS.ErrnoException).code;
  const offline = code && ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH'].includes(code);
  return new AppError(
    'DOWNLOAD_FAILED',
    offline
      ? `Cannot reach ${new URL(url).host} (${code}). Check the network connection, or use a mirror or a local models folder.`
      : `The download from ${url} failed: ${cause?.message ?? (error as Error).message}.`,
    { url, code: code ?? null },
  );
}

/**
 * Streams a file to `${dest}.part`, resuming with an HTTP Range request when a partial file exists, checks free space
 * first, verifies the sha256, and renames into place atomically. A dropped connection is retried (resuming); a cancel
 * keeps the partial file for the next attempt; a hash mismatch deletes it.
 */
export async function downloadFile(spec: DownloadSpec, options: DownloadOptions = {}): Promise<DownloadResult> {
  const doFetch = options.fetch ?? fetch;
  const freeBytes = options.freeBytes ?? freeBytesOf;
  const retries = options.retries ?? 3;
  const part = `${spec.dest}.part`;
  await mkdir(dirname(spec.dest), { recursive: true });
  const resumedFrom = await sizeOf(part);
  // The hub's hash headers sit on its redirect, not on the CDN's answer that fetch ends at: ask first.
  const probed = await probeHost(spec.url, doFetch, options.signal);
  checkCommit(spec.url, spec.revision, probed);
  if (spec.bytes && probed?.bytes && probed.bytes !== spec.bytes) {
    throw new AppError('DOWNLOAD_FAILED', `${spec.url} is ${probed.bytes} bytes, but ${spec.bytes} were expected. The mirror may hold another version.`, { url: spec.url });
  }

  for (let attempt = 0; ; attempt++) {
    const offset = await sizeOf(part);
    const stall = stallWatch(options.stallTimeoutMs ?? 30_000);
    const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
    let response: Response;
    try {
      response = await doFetch(spec.url, {
        headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
        signal,
        redirect: 'follow',
      });
    } catch (error) {
      stall.stop();
      if (options.signal?.aborted) throw options.signal.reason;
      if (attempt < retries) {
        await delay(options.retryDelayMs ?? 1000, options.signal);
        continue;
      }
      throw networkError(spec.url, error);
    }

    if (response.status === 404) throw new AppError('DOWNLOAD_FAILED', `Not found: ${spec.url} (HTTP 404). The mirror may not have this file.`, { url: spec.url, status: 404 });
    if (response.status === 416 && offset > 0) {
      // The partial file is already complete (or longer than the remote file): verify it as it is.
      await response.body?.cancel();
      return finish(spec, part, offset, probed, resumedFrom);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AppError('DOWNLOAD_FAILED', `The server answered HTTP ${response.status} for ${spec.url}.`, { url: spec.url, status: response.status });
    }

    const resuming = response.status === 206 && offset > 0;
    const start = resuming ? offset : 0;
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    const total = Number.isFinite(length) ? start + length : (spec.bytes ?? null);
    if (spec.bytes && total !== null && total !== spec.bytes) {
      await response.body?.cancel();
      throw new AppError('DOWNLOAD_FAILED', `${spec.url} is ${total} bytes, but ${spec.bytes} were expected. The mirror may hold another version.`, {
        url: spec.url,
      });
    }
    if (total !== null) {
      const needed = total - start + (options.reserveBytes ?? 256 * 1024 * 1024);
      const free = await freeBytes(dirname(spec.dest));
      if (free < needed) {
        await response.body?.cancel();
        throw new AppError('INSUFFICIENT_SPACE', `Not enough disk space for ${spec.url}: ${mb(needed)} MB needed, ${mb(free)} MB free in ${dirname(spec.dest)}.`, {
          neededBytes: needed,
          freeBytes: free,
        });
      }
    }

    const file = await open(part, resuming ? 'a' : 'w');
    let done = start;
    options.onProgress?.(done, total);
    try {
      if (!response.body) throw new Error('empty response body');
      stall.kick();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        stall.kick();
        await file.write(chunk);
        done += chunk.byteLength;
        options.onProgress?.(done, total);
      }
      await file.sync();
    } catch (error) {
      await file.close();
      stall.stop();
      if (options.signal?.aborted) throw options.signal.reason;
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
        throw new AppError('INSUFFICIENT_SPACE', `The disk filled up while downloading ${spec.url}; the partial file was kept for a later resume.`);
      }
      if (attempt < retries) {
        await delay(options.retryDelayMs ?? 1000, options.signal);
        continue;
      }
      const why = stall.signal.aborted ? (stall.signal.reason as Error).message : (error as Error).message;
      throw new AppError('DOWNLOAD_FAILED', `The connection dropped while downloading ${spec.url} (${why}). ${mb(done)} MB are kept; retrying resumes from there.`, {
        url: spec.url,
        doneBytes: done,
      });
    }
    await file.close();
    stall.stop();
    if (total !== null && done < total) {
      if (attempt < retries) {
        await delay(options.retryDelayMs ?? 1000, options.signal);
        continue;
      }
      throw new AppError('DOWNLOAD_FAILED', `The download of ${spec.url} ended early (${done} of ${total} bytes). Retrying resumes from there.`, { url: spec.url });
    }
    return finish(spec, part, done, probed?.hash ? probed : hostFacts(response.headers, !response.redirected), resumedFrom);
  }
}

/**
 * Hashes the finished file and checks it: against the manifest's sha256 when it has one, else against the host's
 * published hash (sha256 of LFS files, git blob id of small files).
 */
async function finish(spec: DownloadSpec, part: string, bytes: number, host: HostFacts | null, resumedFrom: number): Promise<DownloadResult> {
  checkCommit(spec.url, spec.revision, host);
  const sha = createHash('sha256');
  const git = createHash('sha1').update(`blob ${bytes}\0`);
  await hashFile(part, [sha, git]);
  const sha256 = sha.digest('hex');
  const gitSha1 = git.digest('hex');
  const hostHash = spec.sha256 ? null : (host?.hash ?? null);
  const [algorithm, expected, actual] = spec.sha256
    ? ['sha256', spec.sha256, sha256]
    : hostHash?.algorithm === 'git-sha1'
      ? ['git blob id', hostHash.value, gitSha1]
      : ['sha256', hostHash?.value ?? null, sha256];
  if (expected && expected !== actual) {
    await rm(part, { force: true });
    throw new AppError('DOWNLOAD_FAILED', `${spec.url} failed verification: its ${algorithm} is ${actual}, expected ${expected}. The broken file was deleted; try again.`, {
      url: spec.url,
      expected,
      actual,
    });
  }
  await rename(part, spec.dest);
  return { bytes, sha256, verifiedAgainst: spec.sha256 ? 'manifest' : hostHash ? 'host' : 'none', hostHash, resumedFrom };
}

function mb(bytes: number): number {
  return Math.ceil(bytes / (1024 * 1024));
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
