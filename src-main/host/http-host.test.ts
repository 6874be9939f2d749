import { symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect as connectTcp, createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AppError, type EventFrame } from '@contract';
import { createDispatcher } from './dispatcher';
import { unusedHandlers } from './unused-handlers';
import { startHttpHost, type HttpHost } from './http-host';

let dir: string;
let host: HttpHost;
const listeners = new Set<(e: EventFrame) => void>();
const uploaded: string[] = [];
const internal: unknown[] = [];
let onlineMapTiles = false;

const handlers = unusedHandlers({
  'jobs.list': () => [],
  'jobs.cancel': () => {
    throw new Error('boom');
  },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-host-'));
  await mkdir(join(dir, 'static', 'assets'), { recursive: true });
  await writeFile(join(dir, 'static', 'index.html'), '<!doctype html><title>studio</title>');
  await writeFile(join(dir, 'static', 'assets', 'app-123.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'do not serve');
  await mkdir(join(dir, 'thumbs', 'ab'), { recursive: true });
  await writeFile(join(dir, 'thumbs', 'ab', 'abc.webp'), 'RIFF....WEBP');
  await mkdir(join(dir, 'turns', '3'), { recursive: true });
  await writeFile(join(dir, 'turns', '3', 'turn.png'), 'PNG');
  host = await startHttpHost({
    dispatch: createDispatcher(handlers),
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    staticDir: join(dir, 'static'),
    thumbDir: join(dir, 'thumbs'),
    turnsDir: join(dir, 'turns'),
    upload: async (bytes) => {
      const text = Buffer.from(bytes).toString();
      if (text === 'not a picture') throw new AppError('BAD_IMAGE', 'The dropped file is not a picture the studio can read.');
      if (text === 'crash') throw new Error('EACCES: permission denied, open /data/uploads/tmp-123');
      uploaded.push(text);
      return 'f'.repeat(64);
    },
    onInternalError: (error) => internal.push(error),
    onlineMapTiles: () => onlineMapTiles,
    maxUploadBytes: 1000,
    port: 0,
  });
});

afterAll(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so paths and Host headers are sent exactly as written. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers: { host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function connect(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
}

describe('loopback host over HTTP', () => {
  it('prints a URL bound to 127.0.0.1 that carries the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
  });

  it('refuses requests without the right token', async () => {
    expect((await raw('/')).status).toBe(401);
    expect((await raw('/?token=wrong')).status).toBe(401);
    expect((await raw('/assets/app-123.js')).status).toBe(401);
    expect((await raw('/', { cookie: `studio_token_${host.port}=wrong` })).status).toBe(401);
    expect((await raw('/')).body).toMatch(/needs its access token/);
  });

  it('allows the map tile host for images only while online map tiles are on', async () => {
    const imgSrc = async () => String((await raw(`/?token=${host.token}`)).headers['content-security-policy']).split('; ').find((d) => d.startsWith('img-src'));
    expect(await imgSrc()).toBe("img-src 'self' data: blob:");
    onlineMapTiles = true;
    try {
      expect(await imgSrc()).toBe("img-src 'self' data: blob: https://tile.openstreetmap.org");
    } finally {
      onlineMapTiles = false;
    }
    expect(await imgSrc()).toBe("img-src 'self' data: blob:");
  });

  it('serves the app with the token and sets a per-port HttpOnly cookie, then accepts the cookie', async () => {
    const first = await raw(`/?token=${host.token}`);
    expect(first.status).toBe(200);
    expect(first.body).toContain('<title>studio</title>');
    expect(String(first.headers['set-cookie'])).toMatch(new RegExp(`studio_token_${host.port}=${host.token}; HttpOnly; SameSite=Strict`));
    expect(first.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(first.headers['x-frame-options']).toBe('DENY');
    const asset = await raw('/assets/app-123.js', { cookie: `other=1; studio_token_${host.port}=${host.token}` });
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    expect((await raw('/', { authorization: `Bearer ${host.token}` })).status).toBe(200);
  });

  it('refuses foreign Host headers (DNS rebinding) even with the token', async () => {
    expect((await raw(`/?token=${host.token}`, { host: `evil.example:${host.port}` })).status).toBe(421);
  });

  it('answers through an SSH-style tunnel on another local port (Host and Origin name that port)', async () => {
    // ssh -L <other>:127.0.0.1:<port>: a plain TCP forward, so the browser's Host and Origin carry the other port.
    const tunnel = createNetServer((client) => {
      const upstream = connectTcp(host.port, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => tunnel.listen(0, '127.0.0.1', resolve));
    const other = (tunnel.address() as AddressInfo).port;
    try {
      const page = await fetch(`http://localhost:${other}/?token=${host.token}`);
      expect(page.status).toBe(200);
      const ws = new WebSocket(`ws://localhost:${other}/ws?token=${host.token}`, { headers: { origin: `http://localhost:${other}` } });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.close();
      // A rebinding page still cannot come through the tunnel under its own name.
      expect((await raw(`/?token=${host.token}`, { host: `evil.example:${other}` })).status).toBe(421);
    } finally {
      tunnel.close();
    }
  });

  it('prints a URL that answers for a loopback address other than 127.0.0.1', async () => {
    const other = await startHttpHost({ dispatch: createDispatcher(handlers), subscribe: () => () => {}, staticDir: join(dir, 'static'), bindHost: '127.0.0.5', port: 0 });
    try {
      expect(other.url).toMatch(/^http:\/\/127\.0\.0\.5:\d+\//);
      expect((await fetch(other.url)).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('does not follow a symlink in a served folder to a file outside it', async () => {
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'thumbs', 'ab', 'leak.webp'));
    symlinkSync(join(dir, 'static'), join(dir, 'turns', 'out'));
    const leak = await raw(`/thumbs/ab/leak.webp?token=${host.token}`);
    expect(leak.status).toBe(404);
    expect(leak.body).not.toContain('do not serve');
    expect((await raw(`/turns/out/index.html?token=${host.token}`)).status).toBe(404);
    expect((await raw(`/thumbs/ab/abc.webp?token=${host.token}`)).status).toBe(200);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await raw(`${path}?token=${host.token}`);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('do not serve');
    }
  });

  it('serves thumbnails from the thumbnail cache only, behind the token', async () => {
    expect((await raw('/thumbs/ab/abc.webp')).status).toBe(401);
    const thumb = await raw(`/thumbs/ab/abc.webp?token=${host.token}`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(thumb.headers['cache-control']).toMatch(/immutable/);
    for (const path of ['/thumbs/../secret.txt', '/thumbs/%2e%2e/secret.txt', '/thumbs/../static/index.html']) {
      expect((await raw(`${path}?token=${host.token}`)).status).toBe(404);
    }
  });

  it('serves edit pictures from the projects folder only, behind the token', async () => {
    expect((await raw('/turns/3/turn.png')).status).toBe(401);
    const turn = await raw(`/turns/3/turn.png?token=${host.token}`);
    expect(turn.status).toBe(200);
    expect(turn.headers['content-type']).toBe('image/png');
    for (const path of ['/turns/../secret.txt', '/turns/%2e%2e/secret.txt', '/turns/3%2f..%2f..%2fsecret.txt', '/turns/3/../../secret.txt']) {
      expect((await raw(`${path}?token=${host.token}`)).status).toBe(404);
    }
  });

  it('accepts uploads only with the token, from the same origin, within the size limit', async () => {
    expect((await raw('/uploads', {}, 'POST', 'x')).status).toBe(401);
    expect((await raw(`/uploads?token=${host.token}`, { origin: 'http://evil.example' }, 'POST', 'x')).status).toBe(403);
    const tooLarge = await raw(`/uploads?token=${host.token}`, {}, 'POST', 'y'.repeat(2000));
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toEqual({ error: { code: 'INVALID_PARAMS', message: 'The file is larger than 1000 bytes.' } });
    const ok = await raw(`/uploads?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` }, 'POST', 'picture');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ id: 'f'.repeat(64) });
    expect(uploaded).toEqual(['picture']);
  });

  it('answers a failed upload with the contract’s error value, and hides (but logs) internal failures', async () => {
    const origin = { origin: `http://127.0.0.1:${host.port}` };
    const bad = await raw(`/uploads?token=${host.token}`, origin, 'POST', 'not a picture');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: { code: 'BAD_IMAGE', message: 'The dropped file is not a picture the studio can read.' } });
    const crash = await raw(`/uploads?token=${host.token}`, origin, 'POST', 'crash');
    expect(crash.status).toBe(500);
    expect(JSON.parse(crash.body)).toEqual({ error: { code: 'INTERNAL', message: 'The file could not be stored. The studio logged the details.' } });
    expect(crash.body).not.toContain('/data/uploads');
    expect(internal).toEqual([expect.objectContaining({ message: expect.stringContaining('EACCES') })]);
  });

  it('allows only GET and HEAD (and POST to /uploads)', async () => {
    expect((await raw(`/?token=${host.token}`, {}, 'POST')).status).toBe(405);
    expect((await raw(`/?token=${host.token}`, {}, 'HEAD')).status).toBe(200);
  });

  it('refuses to bind a non-loopback address unless asked explicitly', async () => {
    await expect(startHttpHost({ dispatch: createDispatcher(handlers), subscribe: () => () => {}, staticDir: dir, bindHost: '0.0.0.0' })).rejects.toThrow(
      /not a loopback address.*--allow-non-loopback/,
    );
  });
});

describe('loopback host over WebSocket', () => {
  it('refuses an upgrade without the token', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401');
    await expect(connect('?token=nope')).rejects.toThrow('HTTP 401');
  });

  it('refuses an upgrade from a foreign Origin even with the token', async () => {
    await expect(connect(`?token=${host.token}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('answers calls from the studio page, and survives bad frames and engine errors', async () => {
    const ws = await connect(`?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` });
    try {
      ws.send(JSON.stringify({ id: 1, method: 'jobs.list', params: {} }));
      expect(await nextMessage(ws)).toEqual({ id: 1, ok: true, result: [] });
      ws.send('{not json');
      expect(await nextMessage(ws)).toMatchObject({ id: null, ok: false, error: { code: 'BAD_FRAME' } });
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
      expect(await nextMessage(ws)).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
      ws.send(JSON.stringify({ id: 2, method: 'jobs.cancel', params: { id: 'x' } }));
      expect(await nextMessage(ws)).toMatchObject({ id: 2, ok: false, error: { code: 'INTERNAL' } });
      ws.send(JSON.stringify({ id: 3, method: 'jobs.list' }));
      expect(await nextMessage(ws)).toMatchObject({ id: 3, ok: true });
    } finally {
      ws.close();
    }
  });

  it('accepts the cookie instead of the query token, and pushes engine events', async () => {
    const ws = await connect('', { cookie: `studio_token_${host.port}=${host.token}` });
    try {
      const message = nextMessage(ws);
      for (const l of listeners) l({ topic: 'job.progress', payload: { id: 'j1' } });
      expect(await message).toEqual({ topic: 'job.progress', payload: { id: 'j1' } });
    } finally {
      ws.close();
    }
  });

  it('closes a connection that sends an oversized frame, and keeps serving others', async () => {
    const ws = await connect(`?token=${host.token}`);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const again = await connect(`?token=${host.token}`);
    again.send(JSON.stringify({ id: 9, method: 'jobs.list' }));
    expect(await nextMessage(again)).toMatchObject({ id: 9, ok: true });
    again.close();
  });
});
