import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A loopback stand-in for the model host: serves a local folder under `/<repo>/resolve/<revision>/…`, as Hugging Face
 * does, slowly enough that progress can be watched.
 */
export async function startModelMirror(repo: string, folder: string): Promise<{ url: string; close: () => Promise<void> }> {
  const prefix = `/${repo}/resolve/main/`;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    const file = url.startsWith(prefix) ? join(folder, decodeURIComponent(url.slice(prefix.length))) : null;
    if (!file || !file.startsWith(folder) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(statSync(file).size) });
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    stream.on('data', () => {
      stream.pause();
      setTimeout(() => stream.resume(), 15);
    });
    stream.pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
