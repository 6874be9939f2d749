import { AppError, ROUTES, UploadAnswerSchema, type EventFrame, type RequestFrame, type ResponseFrame, type StudioBridge } from '@contract';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

/** How the renderer talks to the engine: Electron IPC or a WebSocket, same frames either way. */
export interface Transport {
  request(frame: RequestFrame): Promise<ResponseFrame>;
  onEvent(listener: (frame: EventFrame) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  readonly status: ConnectionStatus;
  /** Hands a file's bytes to the engine (a dropped image); resolves with its upload id. */
  upload(bytes: ArrayBuffer): Promise<string>;
}

/** An upload's id from the host's answer; its error value as an AppError (explained like any other error). */
export function readUploadAnswer(raw: unknown, refused: string): string {
  const answer = UploadAnswerSchema.safeParse(raw);
  if (answer.success && 'id' in answer.data) return answer.data.id;
  if (answer.success && 'error' in answer.data) throw AppError.fromWire(answer.data.error);
  throw new AppError('UNAVAILABLE', refused);
}

export function electronTransport(bridge: StudioBridge): Transport {
  return {
    request: (frame) => bridge.call(frame),
    onEvent: (listener) => bridge.onEvent(listener),
    onStatus: (listener) => {
      listener('open');
      return () => {};
    },
    status: 'open',
    upload: async (bytes) => readUploadAnswer(await bridge.upload(bytes), 'The studio refused the upload.'),
  };
}

/** Minimal WebSocket surface, so tests can pass a fake. */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export interface WebSocketTransportOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** Backoff between reconnect attempts, in ms. */
  retryDelays?: number[];
  /** How long a call waits for a connection before failing. */
  connectTimeoutMs?: number;
  fetch?: typeof fetch;
}

const OPEN = 1;

function unavailable(id: RequestFrame['id'], message: string): ResponseFrame {
  return { id, ok: false, error: { code: 'UNAVAILABLE', message } };
}

/** A WebSocket transport that reconnects with backoff and fails pending calls clearly when the link drops. */
export function webSocketTransport(options: WebSocketTransportOptions): Transport {
  const createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  const delays = options.retryDelays ?? [250, 500, 1000, 2000, 5000];
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const pending = new Map<RequestFrame['id'], (frame: ResponseFrame) => void>();
  const eventListeners = new Set<(frame: EventFrame) => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  let status: ConnectionStatus = 'connecting';
  let socket: SocketLike;
  let attempt = 0;

  const setStatus = (next: ConnectionStatus) => {
    status = next;
    for (const l of statusListeners) l(next);
  };

  const open = () => {
    socket = createSocket(options.url);
    socket.onopen = () => {
      attempt = 0;
      setStatus('open');
    };
    socket.onmessage = (ev) => {
      let frame: ResponseFrame | EventFrame;
      try {
        frame = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if ('topic' in frame) {
        for (const l of eventListeners) l(frame);
      } else if (frame.id !== null) {
        const resolve = pending.get(frame.id);
        pending.delete(frame.id);
        resolve?.(frame);
      }
    };
    socket.onclose = () => {
      for (const [id, resolve] of pending) resolve(unavailable(id, 'The connection to the studio engine was lost.'));
      pending.clear();
      const delay = delays[Math.min(attempt, delays.length - 1)]!;
      attempt++;
      // Keep retrying forever, but after a few failures in a row tell the user the engine is gone.
      setStatus(attempt >= 3 ? 'closed' : 'connecting');
      setTimeout(open, delay);
    };
  };
  open();

  const whenOpen = () =>
    new Promise<boolean>((resolve) => {
      if (status === 'open' && socket.readyState === OPEN) return resolve(true);
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, connectTimeoutMs);
      const listener = (s: ConnectionStatus) => {
        if (s !== 'open') return;
        clearTimeout(timer);
        off();
        resolve(true);
      };
      statusListeners.add(listener);
      const off = () => statusListeners.delete(listener);
    });

  return {
    async request(frame) {
      if (!(await whenOpen())) return unavailable(frame.id, 'The studio engine is not reachable. Is `npm run serve` still running?');
      return new Promise((resolve) => {
        pending.set(frame.id, resolve);
        socket.send(JSON.stringify(frame));
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    get status() {
      return status;
    },
    async upload(bytes) {
      // Same origin as the page: the host's cookie carries the token.
      const response = await (options.fetch ?? fetch)(new URL(ROUTES.uploads, options.url.replace(/^ws/, 'http')).toString(), {
        method: 'POST',
        body: bytes,
        credentials: 'same-origin',
      });
      return readUploadAnswer(await response.json().catch(() => ({})), `The studio refused the upload (HTTP ${response.status}).`);
    },
  };
}
