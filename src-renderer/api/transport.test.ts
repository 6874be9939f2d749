import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StudioBridge } from '@contract';
import { electronTransport, readUploadAnswer, webSocketTransport, type ConnectionStatus, type SocketLike } from './transport';

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  reply(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

function make(connectTimeoutMs = 1000) {
  return webSocketTransport({ url: 'ws://h/ws', createSocket: (u) => new FakeSocket(u), retryDelays: [100], connectTimeoutMs });
}

describe('webSocketTransport', () => {
  it('waits for the socket to open, then matches responses to requests by id', async () => {
    const t = make();
    const socket = FakeSocket.all[0]!;
    const pending = t.request({ id: 1, method: 'jobs.list', params: {} });
    socket.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(JSON.parse(socket.sent[0]!)).toEqual({ id: 1, method: 'jobs.list', params: {} });
    socket.reply({ id: 1, ok: true, result: [] });
    expect(await pending).toEqual({ id: 1, ok: true, result: [] });
  });

  it('delivers events to listeners', () => {
    const t = make();
    const seen: unknown[] = [];
    t.onEvent((e) => seen.push(e));
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.reply({ topic: 'job.progress', payload: { id: 'x' } });
    expect(seen).toEqual([{ topic: 'job.progress', payload: { id: 'x' } }]);
  });

  it('fails pending calls with UNAVAILABLE when the link drops, and reconnects', async () => {
    const t = make();
    const statuses: ConnectionStatus[] = [];
    t.onStatus((s) => statuses.push(s));
    FakeSocket.all[0]!.open();
    const pending = t.request({ id: 2, method: 'app.info', params: {} });
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.all[0]!.drop();
    expect(await pending).toMatchObject({ id: 2, ok: false, error: { code: 'UNAVAILABLE' } });
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.open();
    expect(statuses).toEqual(['connecting', 'open', 'connecting', 'open']);
  });

  it('says the engine is unreachable after repeated failures, and when a call times out', async () => {
    const t = make(500);
    const call = t.request({ id: 3, method: 'app.info', params: {} });
    for (let i = 0; i < 3; i++) {
      FakeSocket.all.at(-1)!.drop();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(t.status).toBe('closed');
    await vi.advanceTimersByTimeAsync(500);
    expect(await call).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/not reachable/) } });
  });

  it('ignores garbage frames', () => {
    const t = make();
    const seen: unknown[] = [];
    t.onEvent((e) => seen.push(e));
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.onmessage?.({ data: '{nope' });
    expect(seen).toEqual([]);
  });
});

describe('upload answers', () => {
  it('reads the id, turns the error value into an AppError with its code, and refuses anything else', async () => {
    expect(readUploadAnswer({ id: 'f'.repeat(64) }, 'refused')).toBe('f'.repeat(64));
    expect(() => readUploadAnswer({ error: { code: 'BAD_IMAGE', message: 'Not a picture.' } }, 'refused')).toThrowError(
      expect.objectContaining({ code: 'BAD_IMAGE', message: 'Not a picture.' }),
    );
    expect(() => readUploadAnswer('Token needed.', 'refused (401)')).toThrowError(expect.objectContaining({ code: 'UNAVAILABLE', message: 'refused (401)' }));
  });

  it('the desktop bridge answers the same way as the HTTP host', async () => {
    const bridge = { upload: async () => ({ error: { code: 'INSUFFICIENT_SPACE', message: 'The disk is full.' } }) } as unknown as StudioBridge;
    await expect(electronTransport(bridge).upload(new ArrayBuffer(1))).rejects.toMatchObject({ code: 'INSUFFICIENT_SPACE' });
  });
});
