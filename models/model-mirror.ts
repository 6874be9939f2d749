import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';

export interface MirroredRepo {
  repo: string;
  /** The commit the files are served at (`main` is answered too, resolving to it). */
  revision: string;
  folder: string;
}

export interface MirrorOptions {
  /** Pause between 256 kB chunks, so progress can be watched (e2e). */
  chunkDelayMs?: number;
  /** Files (`repo/path`) served with wrong bytes, to prove verification catches them. */
  corrupt?: string[];
}

export interface ModelMirror {
  url: string;
  /** Every request, as `METHOD path`. */
  requests: string[];
  close: () => Promise<void>;
}

const LFS_THRESHOLD = 10 * 1024;

function hashes(file: string): { sha256: string; gitSha1: string; size: number } {
  const data = readFileSync(file);
  return {
    sha256: createHash('sha256').update(data).digest('hex'),
    gitSha1: createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex'),
    size: data.length,
  };
}

/**
 * A loopback stand-in for the Hugging Face hub: `/<repo>/resolve/<revision>/<path>` answers like the hub does. Large
 * (LFS) files: a redirect carrying X-Linked-Etag (sha256), X-Linked-Size and X-Repo-Commit to a CDN path whose own
 * ETag is something else; small files: the content with the git blob id as ETag. Range requests resume.
 */
export async function startModelMirror(repos: MirroredRepo[], options: MirrorOptions = {}): Promise<ModelMirror> {
  const requests: string[] = [];
  const locate = (url: string): { repo: MirroredRepo; file: string; path: string } | null => {
    for (const repo of repos) {
      for (const revision of [repo.revision, 'main']) {
        const prefix = `/${repo.repo}/resolve/${revision}/`;
        if (!url.startsWith(prefix)) continue;
        const path = decodeURIComponent(url.slice(prefix.length));
        const file = resolve(repo.folder, path);
        if (!file.startsWith(resolve(repo.folder) + sep) || !existsSync(file) || !statSync(file).isFile()) return null;
        return { repo, file, path };
      }
    }
    return null;
  };
  const sendFile = (req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string>, corrupt: boolean) => {
    const size = statSync(file).size;
    const match = /bytes=(\d+)-/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    if (start >= size && size > 0) return void res.writeHead(416).end();
    res.writeHead(match ? 206 : 200, { ...headers, 'content-length': String(size - start), 'accept-ranges': 'bytes' });
    if (req.method === 'HEAD') return void res.end();
    if (corrupt) return void res.end(Buffer.alloc(size - start, 0x5a));
    const stream = createReadStream(file, { start, highWaterMark: 256 * 1024 });
    if (options.chunkDelayMs) {
      stream.on('data', () => {
        stream.pause();
        setTimeout(() => stream.resume(), options.chunkDelayMs);
      });
    }
    stream.pipe(res);
  };
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(`${req.method} ${url}${req.headers.range ? ` (${req.headers.range})` : ''}`);
    const cdn = /^\/cdn\/([^/]+)\/(.+)$/.exec(url);
    if (cdn) {
      const found = locate(`/${decodeURIComponent(cdn[1]!)}`);
      if (!found) return void res.writeHead(404).end();
      return sendFile(req, res, found.file, { etag: '"cdn-0123456789"' }, options.corrupt?.includes(`${found.repo.repo}/${found.path}`) ?? false);
    }
    const found = locate(url);
    if (!found) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end();
    const { sha256, gitSha1, size } = hashes(found.file);
    const commit = { 'x-repo-commit': found.repo.revision };
    if (size >= LFS_THRESHOLD) {
      const target = `/cdn/${encodeURIComponent(url.slice(1))}/${sha256}`;
      res.writeHead(302, { ...commit, location: target, 'x-linked-etag': `"${sha256}"`, 'x-linked-size': String(size), etag: `"${sha256}"` });
      return void res.end();
    }
    sendFile(req, res, found.file, { ...commit, etag: `"${gitSha1}"` }, options.corrupt?.includes(`${found.repo.repo}/${found.path}`) ?? false);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
