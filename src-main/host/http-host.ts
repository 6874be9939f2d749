import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isFileRoutePath, matchFileRoute, MAX_FRAME_BYTES, ROUTES, type EventFrame, type ResponseFrame, type WireError } from '@contract';
import { allowedHosts, cookieName, type HostPolicy, hostAllowed, isLoopbackAddress, newToken, originAllowed, requestToken, tokensEqual } from './auth';
import type { Dispatch } from './dispatcher';
import { MAX_UPLOAD_BYTES, tooLargeMessage } from '../engine/storage/uploads';
import { SECURITY_HEADERS, securityHeaders } from './security-headers';
import { uploadAnswer } from './upload-answer';
import { readStatic } from './static-files';

export interface HttpHostOptions {
  dispatch: Dispatch;
  /** Engine events to push to every connected client. */
  subscribe: (listener: (event: EventFrame) => void) => () => void;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** Whether the page may load the map's online tiles (the "Online map tiles" setting, read per response). */
  onlineMapTiles?: () => boolean;
  /** The thumbnail cache, served under /thumbs/ (and nothing else from disk). */
  thumbDir?: string;
  /** Edit projects' pictures, served under /turns/. */
  turnsDir?: string;
  bindHost?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Binding anything but loopback must be asked for explicitly. */
  allowNonLoopback?: boolean;
  /** Stores a dropped file and returns its id (POST /uploads). */
  upload?: (bytes: Uint8Array) => Promise<string>;
  /** Told about an upload's unexpected failure (not an AppError); the page gets a generic INTERNAL error. */
  onInternalError?: (error: unknown) => void;
  /** Largest upload accepted, in bytes. */
  maxUploadBytes?: number;
}

export interface HttpHost {
  /** Ready-to-open URL including the token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const UNAUTHORIZED_PAGE = `<!doctype html><meta charset="utf-8"><title>Compose Studio — token needed</title>
<body style="font:16px system-ui;margin:3em;max-width:40em">
<h1>This studio needs its access token</h1>
<p>Open the full URL that <code>npm start</code> or <code>npm run serve</code> printed in the terminal — it ends in <code>?token=…</code>.
A new token is made every time the studio starts, so old links stop working.</p></body>`;

/** Thumbnails are content-addressed (named by hash), so they can be cached forever. */

function plain(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(text);
}

/** An upload's failure as the contract's error value, so the page can explain it like any other error. */
function uploadFailed(res: ServerResponse, status: number, error: WireError): void {
  plain(res, status, JSON.stringify({ error }), 'application/json');
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Serves the renderer and the contract over WebSocket on loopback, behind a per-launch token. */
export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const bindHost = options.bindHost ?? '127.0.0.1';
  if (!isLoopbackAddress(bindHost) && !options.allowNonLoopback) {
    throw new Error(`Refusing to listen on ${bindHost}: it is not a loopback address. Pass --allow-non-loopback if you really mean to expose the studio.`);
  }
  const token = options.token ?? newToken();
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let port = 0;
  let hosts: HostPolicy = new Set<string>();

  const authorized = (req: IncomingMessage) => {
    const { token: given, fromQuery } = requestToken(req, port);
    return { ok: tokensEqual(given, token), fromQuery };
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (!hostAllowed(req.headers.host, hosts)) return plain(res, 421, 'Misdirected request: unknown Host.');
      const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
      if (req.method === 'POST' && path === ROUTES.uploads) return handleUpload(req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed.');
      const auth = authorized(req);
      if (!auth.ok) return plain(res, 401, UNAUTHORIZED_PAGE, 'text/html; charset=utf-8');
      if (path === ROUTES.socket) return plain(res, 426, 'Upgrade to WebSocket required.');
      const route = matchFileRoute(path);
      const folder = route ? { thumbs: options.thumbDir, turns: options.turnsDir }[route.route] : undefined;
      const file = isFileRoutePath(path) ? (route && folder ? await readStatic(folder, route.rest, true) : null) : await readStatic(options.staticDir, path);
      if (!file) return plain(res, 404, 'Not found.');
      const headers: Record<string, string> = {
        ...securityHeaders({ onlineMapTiles: options.onlineMapTiles?.() ?? false }),
        'Content-Type': file.contentType,
        'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      };
      if (auth.fromQuery) {
        headers['Set-Cookie'] = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      }
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : file.body);
    })().catch(() => {
      if (!res.headersSent) plain(res, 500, 'Internal error.');
      else res.destroy();
    });
  });

  /** POST /uploads: token, same-origin (no cross-site form posts), a size limit; the body is the file. */
  async function handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!options.upload) return plain(res, 404, 'Not found.');
    if (!authorized(req).ok) return plain(res, 401, 'Token needed.');
    if (!originAllowed(req.headers.origin, req.headers.host)) return plain(res, 403, 'Cross-origin uploads are refused.');
    const limit = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        res.setHeader('Connection', 'close');
        uploadFailed(res, 413, { code: 'INVALID_PARAMS', message: tooLargeMessage(limit) });
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const upload = options.upload;
    const answer = await uploadAnswer(() => upload(Buffer.concat(chunks)), options.onInternalError);
    if ('id' in answer) return plain(res, 200, JSON.stringify(answer), 'application/json');
    const code = answer.error.code;
    uploadFailed(res, code === 'INSUFFICIENT_SPACE' ? 507 : code === 'INTERNAL' ? 500 : 400, answer.error);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    if (path !== ROUTES.socket) return rejectUpgrade(socket, 404, 'Not Found');
    if (!hostAllowed(req.headers.host, hosts)) return rejectUpgrade(socket, 421, 'Misdirected Request');
    if (!originAllowed(req.headers.origin, req.headers.host)) return rejectUpgrade(socket, 403, 'Forbidden');
    if (!authorized(req).ok) return rejectUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let response: ResponseFrame;
        if (isBinary) {
          response = { id: null, ok: false, error: { code: 'BAD_FRAME', message: 'Frames are JSON text, not binary.' } };
        } else {
          let parsed: unknown;
          try {
            parsed = JSON.parse(data.toString());
          } catch {
            ws.send(JSON.stringify({ id: null, ok: false, error: { code: 'BAD_FRAME', message: 'The frame is not valid JSON.' } }));
            return;
          }
          response = await options.dispatch(parsed, { transport: 'websocket' });
        }
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
      })();
    });
    ws.on('error', () => ws.terminate());
  });

  const unsubscribe = options.subscribe((event) => {
    const text = JSON.stringify(event);
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(bindHost);
  const urlHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;

  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
