import { opendir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_SUFFIX } from './atomic-write';

/** Whether a process with this id is running (a temp file of a live writer must not be taken away from it). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files left by writers that died mid-write (`<file>.<pid>.<random>.tmp`, see writeFileAtomic), and any
 * older than `maxAgeMs` whatever their writer (a pid can be reused). Returns the paths removed.
 */
export async function sweepTempFiles(root: string, maxAgeMs = 24 * 3600_000, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    let entries;
    try {
      entries = await opendir(dir);
    } catch {
      return;
    }
    for await (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < 6) await walk(path, depth + 1);
        continue;
      }
      const match = TEMP_SUFFIX.exec(entry.name);
      if (!match || !entry.isFile()) continue;
      let stale = !alive(Number(match[1]));
      if (!stale) stale = now - (await stat(path).catch(() => ({ mtimeMs: now }))).mtimeMs > maxAgeMs;
      if (stale && (await rm(path, { force: true }).then(() => true, () => false))) removed.push(path);
    }
  }
  await walk(root, 0);
  return removed;
}
