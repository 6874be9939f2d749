import { BrowserWindow, dialog, ipcMain, shell } from 'electron';
import { IPC_PICK_FOLDER, IPC_SHOW_IN_FOLDER, PickFolderRequestSchema, ShowInFolderRequestSchema } from '@contract';
import type { Services } from '../engine/app-services';

/**
 * The desktop window's own actions (show a photo in the file manager, pick a folder), validated like every payload and
 * accepted only from the studio window. Show in folder takes a library item id, so only library files are revealed.
 */
export function registerDesktopActions(engine: Services, isAppUrl: (url: string) => boolean): void {
  ipcMain.handle(IPC_SHOW_IN_FOLDER, (event, payload: unknown) => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) throw new Error('Accepted only from the studio window.');
    const { itemId } = ShowInFolderRequestSchema.parse(payload);
    shell.showItemInFolder(engine.library.item(itemId).path);
  });
  ipcMain.handle(IPC_PICK_FOLDER, async (event, payload: unknown): Promise<string | null> => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) throw new Error('Accepted only from the studio window.');
    const { title } = PickFolderRequestSchema.parse(payload);
    const win = BrowserWindow.fromWebContents(event.sender);
    const options = { title: title ?? 'Choose a folder', properties: ['openDirectory' as const] };
    const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return picked.canceled ? null : (picked.filePaths[0] ?? null);
  });
}
