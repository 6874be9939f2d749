import {
  AppError,
  events,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type StudioBridge,
} from '@contract';
import { electronTransport, webSocketTransport, type ConnectionStatus, type Transport } from './transport';

/** The typed client every component uses; it does not know which host it talks to. */
export class StudioClient {
  private nextId = 1;

  constructor(private readonly transport: Transport) {}

  async call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    const response = await this.transport.request({ id: this.nextId++, method, params });
    if (!response.ok) throw AppError.fromWire(response.error);
    return response.result as MethodResult<M>;
  }

  /** Listens to one event topic; payloads that do not match the contract are dropped. */
  on<E extends EventName>(topic: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.transport.onEvent((frame) => {
      if (frame.topic !== topic) return;
      const parsed = events[topic].safeParse(frame.payload);
      if (parsed.success) listener(parsed.data as EventPayload<E>);
    });
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.transport.onStatus(listener);
  }

  upload(bytes: ArrayBuffer): Promise<string> {
    return this.transport.upload(bytes);
  }

  /** The path of a dropped file or folder where the host can tell it (the desktop app), else null. */
  pathForFile(file: File): string | null {
    return window.studioBridge?.pathForFile(file) || null;
  }
}

declare global {
  interface Window {
    studioBridge?: StudioBridge;
  }
}

/** Electron's preload bridge when present, else the WebSocket of the page's own host (auth by token or cookie). */
export function connectStudio(): StudioClient {
  if (window.studioBridge) return new StudioClient(electronTransport(window.studioBridge));
  const token = new URLSearchParams(location.search).get('token');
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${protocol}//${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return new StudioClient(webSocketTransport({ url }));
}
