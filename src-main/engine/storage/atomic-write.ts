import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Files the studio writes are private to the user: the data folder holds their photos' metadata and prompts. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Temp files are named `<file>.<pid>.<random>.tmp`, so the startup sweep can tell a dead writer's leftovers from a live one's
 * (`<file>.<pid>.tmp` too: earlier versions wrote that). */
export const TEMP_SUFFIX = /\.(\d+)(?:\.[0-9a-z]+)?\.tmp$/;

export function tempNameFor(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Writes to one file, one at a time and in the order asked: the last call's content wins, never a mix. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Replaces `file` with `data` atomically: written to a temp name unique to this call, fsynced, renamed over the file, and the
 * folder fsynced, so a crash leaves the old content or the new, never half of either. Calls for the same file are queued.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): Promise<void> {
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => writeNow(file, data, mode));
  queues.set(file, next);
  void next.catch(() => undefined).finally(() => {
    if (queues.get(file) === next) queues.delete(file);
  });
  return next;
}

async function writeNow(file: string, data: string | Uint8Array, mode: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const temp = tempNameFor(file);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(dirname(file));
}

/** Makes a rename durable; some systems refuse to open folders for syncing, which only weakens durability. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported here (e.g. Windows): the rename is still atomic.
  }
}
