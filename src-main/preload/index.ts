import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT, IPC_PICK_FOLDER, IPC_SHOW_IN_FOLDER, IPC_UPLOAD, type StudioBridge } from '@contract/bridge';
import type { EventFrame } from '@contract/frames';

// No logic here: frames pass through untouched; the main process validates everything.
const bridge: StudioBridge = {
  call: (frame) => ipcRenderer.invoke(IPC_CALL, frame),
  onEvent: (listener) => {
    const wrapped = (_event: IpcRendererEvent, frame: EventFrame) => listener(frame);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.off(IPC_EVENT, wrapped);
  },
  upload: (bytes) => ipcRenderer.invoke(IPC_UPLOAD, bytes),
  pathForFile: (file) => webUtils.getPathForFile(file as File),
  showInFolder: (request) => ipcRenderer.invoke(IPC_SHOW_IN_FOLDER, request),
  pickFolder: (request) => ipcRenderer.invoke(IPC_PICK_FOLDER, request),
};

contextBridge.exposeInMainWorld('studioBridge', bridge);
