import type { Dirent } from 'node:fs';
import { opendir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { classify } from './formats';

export interface ScannedFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** Format name for supported images, null for unsupported ones. */
  format: string | null;
  /** Why the file cannot be indexed, for unsupported ones. */
  unsupported: string | null;
}

export interface ScanProblem {
  path: string;
  message: string;
}

export interface ScanResult {
  files: ScannedFile[];
  problems: ScanProblem[];
}

/**
 * Walks a folder recursively: images and image-like unsupported files are returned; hidden entries are skipped; symlinked
 * folders are followed once (loops are cut by real path); unreadable folders and files that vanish mid-scan are reported
 * as problems and the walk goes on.
 */
export interface ScanFs {
  opendir: typeof opendir;
  realpath: typeof realpath;
  stat: typeof stat;
}

const NODE_FS: ScanFs = { opendir, realpath, stat };

export async function scanFolder(root: string, signal?: AbortSignal, fs: ScanFs = NODE_FS): Promise<ScanResult> {
  const files: ScannedFile[] = [];
  const problems: ScanProblem[] = [];
  const visited = new Set<string>();

  async function walk(dir: string): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    let real: string;
    try {
      real = await fs.realpath(dir);
    } catch (error) {
      problems.push({ path: dir, message: describe(error) });
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let entries: AsyncIterable<Dirent>;
    try {
      entries = await fs.opendir(dir);
    } catch (error) {
      problems.push({ path: dir, message: describe(error) });
      return;
    }
    const subdirs: string[] = [];
    try {
      for await (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) subdirs.push(path);
        else if (entry.isFile() || entry.isSymbolicLink()) await visitFile(path, entry.isSymbolicLink());
      }
    } catch (error) {
      problems.push({ path: dir, message: describe(error) });
    }
    for (const sub of subdirs) await walk(sub);
  }

  async function visitFile(path: string, symlink: boolean): Promise<void> {
    const kind = classify(path);
    if (kind.kind === 'other' && !symlink) return;
    let info;
    try {
      info = await fs.stat(path);
    } catch (error) {
      // Vanished between listing and stat, or a dangling link: nothing to index.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') problems.push({ path, message: describe(error) });
      return;
    }
    if (info.isDirectory()) return walk(path);
    if (kind.kind === 'other') return;
    if (!info.isFile()) {
      // A FIFO, device or socket named like a photo (e.g. a link to /dev/zero): never opened. Processing checks again
      // on the opened file, since this one could change before then.
      problems.push({ path, message: 'Not a regular file (a pipe, device or socket); skipped.' });
      return;
    }
    files.push({
      path,
      size: info.size,
      mtimeMs: Math.round(info.mtimeMs),
      format: kind.kind === 'image' ? kind.format : null,
      unsupported: kind.kind === 'unsupported' ? kind.reason : null,
    });
  }

  await walk(root);
  return { files, problems };
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'Permission denied: the studio cannot read this folder.';
  if (code === 'ENOENT') return 'The folder no longer exists.';
  return (error as Error).message;
}

