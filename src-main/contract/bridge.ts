import type { EventFrame, RequestFrame, ResponseFrame } from './frames';

/** What Electron's preload exposes as `window.studioBridge`: frames in, frames out, nothing else. */
export interface StudioBridge {
  call(frame: RequestFrame): Promise<ResponseFrame>;
  onEvent(listener: (frame: EventFrame) => void): () => void;
  /** Hands a dropped file's bytes to the engine; resolves with its upload id or the error value (UploadAnswer). */
  upload(bytes: ArrayBuffer): Promise<unknown>;
  /** The file-system path of a dropped file or folder (the desktop app knows it; a browser never reveals it). */
  pathForFile(file: unknown): string;
  /** Shows a library photo in the system's file manager (ShowInFolderRequest); the desktop window only. */
  showInFolder(request: unknown): Promise<void>;
  /** Asks for a folder with the system's picker (PickFolderRequest); resolves with its path, or null when cancelled. */
  pickFolder(request: unknown): Promise<string | null>;
}

/** IPC channel names shared by preload and the Electron main process. */
export const IPC_CALL = 'studio:call';
export const IPC_EVENT = 'studio:event';
export const IPC_UPLOAD = 'studio:upload';
export const IPC_SHOW_IN_FOLDER = 'studio:show-in-folder';
export const IPC_PICK_FOLDER = 'studio:pick-folder';
