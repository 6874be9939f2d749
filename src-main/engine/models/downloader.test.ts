import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadFile } from './downloader';

const body = randomBytes(3 * 1024 * 1024 + 123);
const sha = createHash('sha256').update(body).digest('hex');
let server: Server;
let base: string;
let dir: string;
const seen: { path: string; range: string | undefined }[] = [];
let cutNext = 0;
let stallNext = 0;

/**
 * Serves `body` with Range support; /cut drops the connection halfway on its first `cutNext` requests; /stall sends half
 * and then nothing, keeping the connection open, on its first `stallNext` requests.
 */
function serve(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
  const path = req.url ?? '/';
  if (req.method === 'HEAD') return void head(path, res);
  seen.push({ path, range: req.headers.range });
  if (path === '/small') return void res.writeHead(200, { etag: `"${smallGitId}"`, 'content-length': String(small.length) }).end(small);
  if (path === '/small-lying') return void res.writeHead(200, { etag: `"${'1'.repeat(40)}"`, 'content-length': String(small.length) }).end(small);
  if (path === '/to-cdn-64') return void res.writeHead(302, { location: '/cdn-64' }).end();
  if (path === '/cdn-64') return void res.writeHead(200, { etag: `"${'e'.repeat(64)}"`, 'content-length': String(body.length) }).end(body);
  if (path === '/cdn') return void res.writeHead(200, { etag: '"not-a-hash"', 'content-length': String(body.length) }).end(body);
  if (path === '/missing') return void res.writeHead(404).end();
  if (path === '/error') return void res.writeHead(503).end();
  const etag = path === '/lying' ? 'f'.repeat(64) : sha;
  const match = /bytes=(\d+)-/.exec(req.headers.range ?? '');
  const start = match ? Number(match[1]) : 0;
  if (start >= body.length) return void res.writeHead(416).end();
  const slice = body.subarray(start);
  res.writeHead(match ? 206 : 200, { 'content-length': String(slice.length), 'x-linked-etag': `"${etag}"` });
  if (path === '/cut' && cutNext > 0) {
    cutNext--;
    res.write(slice.subarray(0, Math.floor(slice.length / 2)), () => res.destroy());
    return;
  }
  if (path === '/stall' && stallNext > 0) {
    stallNext--;
    res.write(slice.subarray(0, Math.floor(slice.length / 2)));
    return;
  }
  if (path === '/slow') {
    let offset = 0;
    const tick = setInterval(() => {
      if (res.destroyed || offset >= slice.length) {
        clearInterval(tick);
        return void res.end();
      }
      res.write(slice.subarray(offset, offset + 64 * 1024));
      offset += 64 * 1024;
    }, 20);
    return;
  }
  res.end(slice);
}

const small = Buffer.from('{"do_normalize": true}\n');
const smallGitId = createHash('sha1').update(`blob ${small.length}\0`).update(small).digest('hex');
const heads: string[] = [];

/** The hub answers HEAD on /redirected with a redirect whose headers carry the hash, size and commit (the CDN's do not). */
function head(path: string, res: import('node:http').ServerResponse): void {
  heads.push(path);
  if (path === '/redirected' || path === '/other-commit') {
    const commit = path === '/other-commit' ? 'b'.repeat(40) : 'a'.repeat(40);
    return void res.writeHead(302, { location: '/cdn', 'x-linked-etag': `"${sha}"`, 'x-linked-size': String(body.length), 'x-repo-commit': commit }).end();
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-dl-'));
  seen.length = 0;
  heads.length = 0;
  cutNext = 0;
  stallNext = 0;
});

describe('downloadFile', () => {
  it('downloads, verifies against the host’s published hash, and renames into place', async () => {
    const dest = join(dir, 'onnx', 'model.onnx');
    const progress: number[] = [];
    const result = await downloadFile({ url: `${base}/file`, dest }, { onProgress: (d) => progress.push(d) });
    expect(result).toMatchObject({ bytes: body.length, sha256: sha, verifiedAgainst: 'host', resumedFrom: 0 });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(progress.at(-1)).toBe(body.length);
  });

  it('reads the hash from the hub’s redirect (HEAD, not followed), since the CDN’s ETag is no hash', async () => {
    const dest = join(dir, 'r.bin');
    const result = await downloadFile({ url: `${base}/redirected`, dest, revision: 'a'.repeat(40) });
    expect(heads).toEqual(['/redirected']);
    expect(result).toMatchObject({ verifiedAgainst: 'host', hostHash: { algorithm: 'sha256', value: sha } });
    await expect(downloadFile({ url: `${base}/redirected`, dest: join(dir, 'r2.bin'), bytes: 12 })).rejects.toMatchObject({ message: expect.stringContaining('12 were expected') });
  });

  it('does not take a CDN’s ETag for a content hash when the hub’s answer had none', async () => {
    const result = await downloadFile({ url: `${base}/to-cdn-64`, dest: join(dir, 'cdn.bin') });
    expect(result).toMatchObject({ verifiedAgainst: 'none', hostHash: null });
  });

  it('refuses a host that serves another commit than the pinned one', async () => {
    await expect(downloadFile({ url: `${base}/other-commit`, dest: join(dir, 'c.bin'), revision: 'a'.repeat(40) })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringContaining(`served from commit ${'b'.repeat(40)}, not the pinned`),
    });
    expect(seen).toEqual([]);
  });

  it('verifies a small file against its git blob id', async () => {
    const result = await downloadFile({ url: `${base}/small`, dest: join(dir, 'p.json') });
    expect(result).toMatchObject({ verifiedAgainst: 'host', hostHash: { algorithm: 'git-sha1', value: smallGitId } });
    await expect(downloadFile({ url: `${base}/small-lying`, dest: join(dir, 'q.json') })).rejects.toMatchObject({ message: expect.stringContaining('its git blob id is') });
    expect(existsSync(join(dir, 'q.json'))).toBe(false);
  });

  it('resumes with a Range request after the connection is cut mid-file', async () => {
    cutNext = 1;
    const dest = join(dir, 'cut.bin');
    const result = await downloadFile({ url: `${base}/cut`, dest, sha256: sha }, { retryDelayMs: 10 });
    expect(result.verifiedAgainst).toBe('manifest');
    expect((await readFile(dest)).equals(body)).toBe(true);
    // The second request resumes where the file on disk ends: after some of the half that was sent (bytes still in
    // the client's buffers when the connection dropped are lost and fetched again).
    expect(seen).toHaveLength(2);
    expect(seen[0]!.range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(seen[1]!.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(Math.floor(body.length / 2));
  });

  it('treats a connection that stops sending as dropped: retries, resuming, instead of waiting forever', async () => {
    stallNext = 1;
    const dest = join(dir, 'stall.bin');
    const result = await downloadFile({ url: `${base}/stall`, dest, sha256: sha }, { retryDelayMs: 10, stallTimeoutMs: 300 });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(seen).toHaveLength(2);
    expect(Number(/^bytes=(\d+)-$/.exec(seen[1]!.range ?? '')?.[1])).toBeGreaterThan(0);
    expect(result.verifiedAgainst).toBe('manifest');

    stallNext = 10;
    const stuck = join(dir, 'stuck.bin');
    await expect(downloadFile({ url: `${base}/stall`, dest: stuck }, { retries: 1, retryDelayMs: 5, stallTimeoutMs: 200 })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringContaining('stalled'),
    });
    expect(existsSync(`${stuck}.part`)).toBe(true);
  });

  it('resumes a partial file left by an earlier run', async () => {
    const dest = join(dir, 'partial.bin');
    await writeFile(`${dest}.part`, body.subarray(0, 1000));
    const result = await downloadFile({ url: `${base}/file`, dest, sha256: sha });
    expect(result.resumedFrom).toBe(1000);
    expect(seen[0]!.range).toBe('bytes=1000-');
    expect((await readFile(dest)).equals(body)).toBe(true);
  });

  it('gives up after the retries, keeping the partial file and saying so', async () => {
    cutNext = 10;
    const dest = join(dir, 'flaky.bin');
    await expect(downloadFile({ url: `${base}/cut`, dest }, { retries: 1, retryDelayMs: 5 })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/connection dropped.*retrying resumes/),
    });
    expect(existsSync(`${dest}.part`)).toBe(true);
    expect(existsSync(dest)).toBe(false);
  });

  it('deletes a file whose hash does not match and says which hashes differ', async () => {
    const dest = join(dir, 'bad.bin');
    const error = await downloadFile({ url: `${base}/lying`, dest }).catch((e) => e);
    expect(error).toMatchObject({ code: 'DOWNLOAD_FAILED', details: { expected: 'f'.repeat(64), actual: sha } });
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
    await expect(downloadFile({ url: `${base}/file`, dest, sha256: '0'.repeat(64) })).rejects.toMatchObject({ message: expect.stringContaining('failed verification') });
  });

  it('reports 404 and other HTTP errors clearly', async () => {
    await expect(downloadFile({ url: `${base}/missing`, dest: join(dir, 'x') })).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringContaining('HTTP 404') });
    await expect(downloadFile({ url: `${base}/error`, dest: join(dir, 'y') })).rejects.toMatchObject({ message: expect.stringContaining('HTTP 503') });
  });

  it('says the host is unreachable when offline', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(downloadFile({ url: `http://127.0.0.1:${port}/f`, dest: join(dir, 'z') }, { retries: 0 })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringContaining('Cannot reach 127.0.0.1'),
    });
  });

  it('checks free disk space before writing anything', async () => {
    const dest = join(dir, 'big.bin');
    await expect(downloadFile({ url: `${base}/file`, dest }, { freeBytes: async () => 1024 })).rejects.toMatchObject({ code: 'INSUFFICIENT_SPACE' });
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('refuses a file of the wrong size before downloading it', async () => {
    await expect(downloadFile({ url: `${base}/file`, dest: join(dir, 's'), bytes: 5 })).rejects.toMatchObject({ message: expect.stringContaining('5 were expected') });
  });

  it('stops on cancel and keeps the partial file for a later resume', async () => {
    const controller = new AbortController();
    const dest = join(dir, 'slow.bin');
    const run = downloadFile(
      { url: `${base}/slow`, dest },
      { signal: controller.signal, onProgress: (d) => d > 256 * 1024 && controller.abort(new Error('cancelled')) },
    );
    await expect(run).rejects.toThrow('cancelled');
    expect(existsSync(`${dest}.part`)).toBe(true);
    const resumed = await downloadFile({ url: `${base}/file`, dest });
    expect(resumed.resumedFrom).toBeGreaterThan(256 * 1024);
    expect((await readFile(dest)).equals(body)).toBe(true);
  });
});
