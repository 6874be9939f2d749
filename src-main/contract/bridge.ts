import type { EventFrame, RequestFrame, ResponseFrame } from './frames';

/** What Electron's preload exposes as `window.studioBridge`: frames in, frames out, nothing else. */
export interface StudioBridge {
  call(frame: RequestFrame): Promise<ResponseFrame>;
  onEvent(listener: (frame: EventFrame) => void): () => void;
  /** Hands a dropped file's bytes to the engine; resolves with its upload id or the error value (UploadAnswer). */
  upload(bytes: ArrayBuffer): Promise<unknown>;
  /** The file-system path of a dropped file or folder (the desktop app knows it; a browser never reveals it). */
  pathForFile(file: unknown): string;
}

/** IPC channel names shared by preload and the Electron main process. */
export const IPC_CALL = 'studio:call';
export const IPC_EVENT = 'studio:event';
export const IPC_UPLOAD = 'studio:upload';
