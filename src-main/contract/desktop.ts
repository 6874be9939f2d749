import { z } from 'zod';

// The desktop window's own actions, outside the engine's methods (their IPC channels are in bridge.ts): they open the
// operating system's file manager or folder picker, which only makes sense on the machine showing the window.

/** Show a library photo in the file manager: by item id, so only library files can be revealed. */
export const ShowInFolderRequestSchema = z.object({ itemId: z.number().int().positive() }).strict();
export type ShowInFolderRequest = z.infer<typeof ShowInFolderRequestSchema>;

/** Ask for a folder with the system's picker; the title is shown on the dialog. */
export const PickFolderRequestSchema = z.object({ title: z.string().trim().min(1).max(200).optional() }).strict();
export type PickFolderRequest = z.infer<typeof PickFolderRequestSchema>;

/** The folder chosen, or null when the picker was cancelled. */
export const PickFolderResultSchema = z.string().min(1).nullable();
