import type { z } from 'zod';
import { AppError, events, methods, type ErrorCode, type EventName, type EventPayload, type MethodName, type MethodParams, type MethodResult, type ResponseFrame } from '@contract';
import { StudioClient } from '../../api/client';
import type { ConnectionStatus, Transport } from '../../api/transport';

/** A handler gets the params as the host would after validation (defaults filled in). */
type Handler<M extends MethodName> = (params: z.output<(typeof methods)[M]['params']>) => MethodResult<M> | Promise<MethodResult<M>>;

export interface RecordedCall {
  method: MethodName;
  params: unknown;
}

/**
 * The engine as the renderer's state classes see it, for tests: a Transport behind a real StudioClient. Every call is
 * checked against the contract (params the renderer sends must parse; results the test supplies must parse, and
 * arrive as the host would send them) and recorded. Methods without a handler answer UNAVAILABLE, like a host
 * that cannot serve them.
 */
export class FakeEngine {
  readonly calls: RecordedCall[] = [];
  readonly uploads: Uint8Array[] = [];
  readonly client: StudioClient;
  /** Runs before an upload answers (to make one slow); gets the upload's number, from 1. */
  beforeUpload: ((n: number) => Promise<void>) | null = null;
  private readonly handlers = new Map<MethodName, Handler<never>>();
  private readonly eventListeners = new Set<(frame: { topic: string; payload: unknown }) => void>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private status: ConnectionStatus = 'connecting';

  constructor() {
    const transport: Transport = {
      request: (frame) => this.answer(frame.id, frame.method as MethodName, frame.params),
      onEvent: (listener) => {
        this.eventListeners.add(listener);
        return () => this.eventListeners.delete(listener);
      },
      onStatus: (listener) => {
        this.statusListeners.add(listener);
        return () => this.statusListeners.delete(listener);
      },
      get status() {
        return 'open' as const;
      },
      upload: async (bytes) => {
        const n = this.uploads.push(new Uint8Array(bytes));
        await this.beforeUpload?.(n);
        return uploadId(n);
      },
    };
    this.client = new StudioClient(transport);
  }

  /** Answers a method from now on (replacing an earlier handler). */
  handle<M extends MethodName>(method: M, handler: Handler<M>): this {
    this.handlers.set(method, handler as Handler<never>);
    return this;
  }

  /** Makes a method fail with a coded error from now on. */
  fail(method: MethodName, code: ErrorCode, message: string): this {
    this.handlers.set(method, () => {
      throw new AppError(code, message);
    });
    return this;
  }

  /** The params of every call of one method, in order. */
  paramsOf<M extends MethodName>(method: M): MethodParams<M>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params as MethodParams<M>);
  }

  /** Methods called, in order. */
  get methods(): MethodName[] {
    return this.calls.map((c) => c.method);
  }

  /** Sends an event to the renderer; the payload must match the contract. */
  emit<E extends EventName>(topic: E, payload: EventPayload<E>): void {
    events[topic].parse(payload);
    for (const listener of this.eventListeners) listener({ topic, payload });
  }

  /** Connection status change, as the transport reports it (states load on 'open'). */
  setStatus(status: ConnectionStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  get connection(): ConnectionStatus {
    return this.status;
  }

  private async answer(id: string | number, method: MethodName, sent: unknown): Promise<ResponseFrame> {
    // What crosses the wire: JSON, so fields set to undefined are not sent at all.
    const params: unknown = sent === undefined ? undefined : JSON.parse(JSON.stringify(sent));
    this.calls.push({ method, params });
    const spec = methods[method];
    if (!spec) throw new Error(`The renderer called ${method}, which the contract does not have.`);
    const checked = spec.params.safeParse(params ?? {});
    if (!checked.success) throw new Error(`The renderer sent ${method} params the contract refuses: ${checked.error.message}`);
    const handler = this.handlers.get(method);
    if (!handler) return { id, ok: false, error: { code: 'UNAVAILABLE', message: `no fake for ${method}` } };
    try {
      const result = await (handler as (params: unknown) => unknown)(checked.data);
      const parsed = spec.result.safeParse(result);
      if (!parsed.success) throw new Error(`The fake's result for ${method} breaks the contract: ${parsed.error.message}`);
      return { id, ok: true, result: JSON.parse(JSON.stringify(parsed.data ?? null)) };
    } catch (error) {
      if (error instanceof AppError) return { id, ok: false, error: error.toJSON() };
      throw error;
    }
  }
}

/** A valid upload id (a content hash) for the n-th upload. */
export function uploadId(n: number): string {
  return n.toString(16).padStart(64, '0');
}

/** A promise the test resolves when it wants (a slow engine answer). */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets pending promise callbacks run (the engine's answers travel through a few awaits). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
