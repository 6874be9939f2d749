import { lstat, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { DuplicateResolution, ResolveDuplicatesResult } from '@contract';
import type { LibraryRepositories } from '../storage/library';
import type { VectorIndexes } from './vector-indexes';

/** Moves one file to the operating system's trash (Finder, Recycle Bin, freedesktop Trash); throws when it cannot. */
export type MoveToTrash = (path: string) => Promise<void>;

/** The `trash` package, loaded when first needed (it reads XDG_DATA_HOME when loaded). */
export const systemTrash: MoveToTrash = async (path) => {
  const { default: trash } = await import('trash');
  // glob: false, or a file named "[1].jpg" would be read as a pattern.
  await trash([path], { glob: false });
};

export interface TrashDeps {
  store: Pick<LibraryRepositories, 'files'>;
  indexes: Pick<VectorIndexes, 'forget'>;
  thumbDir: string;
  moveToTrash: MoveToTrash;
}

/**
 * Resolves duplicate groups: per group the kept photo must still be in the library and on disk, then each other photo
 * (only library items, only inside their library folder) goes to the system trash and, once there, leaves the library
 * (row, vectors, thumbnail) as a rescan would drop it. A file the trash refuses stays where it is, and in the library.
 */
export async function trashDuplicates(deps: TrashDeps, groups: readonly DuplicateResolution[]): Promise<ResolveDuplicatesResult> {
  const result: ResolveDuplicatesResult = { trashed: [], failed: [] };
  for (const group of groups) {
    const keepProblem = await keptProblem(deps, group.keep);
    for (const id of group.trash) {
      const where = deps.store.files.locate(id);
      const reason = keepProblem ?? (where ? await trashProblem(where) : `No library item ${id}.`);
      if (reason || !where) {
        result.failed.push({ id, path: where?.path ?? null, reason: reason ?? `No library item ${id}.` });
        continue;
      }
      try {
        await deps.moveToTrash(where.path);
      } catch (error) {
        result.failed.push({ id, path: where.path, reason: `The system trash refused it: ${(error as Error).message}` });
        continue;
      }
      await forget(deps, id);
      result.trashed.push({ id, path: where.path });
    }
  }
  return result;
}

/** Why a group cannot be resolved because of its kept photo (null: it can). Never trash every copy. */
async function keptProblem(deps: TrashDeps, keep: number): Promise<string | null> {
  const kept = deps.store.files.locate(keep);
  if (!kept) return `The photo to keep (item ${keep}) is not in the library any more; nothing in its group was moved.`;
  if (!(await isRegularFile(kept.path))) return `The photo to keep, ${kept.path}, is gone from disk; nothing in its group was moved.`;
  return null;
}

/** Why this file must not or cannot go to the trash (null: it can). */
async function trashProblem(where: { path: string; rootPath: string }): Promise<string | null> {
  const path = resolve(where.path);
  if (!path.startsWith(resolve(where.rootPath) + sep)) return `${where.path} is outside its library folder; the studio only moves files inside library folders.`;
  try {
    const stats = await lstat(path);
    return stats.isFile() ? null : `${where.path} is not a regular file; it was left alone.`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${where.path} is already gone (the next rescan drops it from the library).`;
    return `${where.path} cannot be read (${code ?? (error as Error).message}).`;
  }
}

async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isFile();
  } catch {
    return false;
  }
}

async function forget(deps: TrashDeps, id: number): Promise<void> {
  const { unusedThumbs } = deps.store.files.removeItems([id]);
  deps.indexes.forget([id]);
  await Promise.all(unusedThumbs.map((thumb) => rm(join(deps.thumbDir, thumb), { force: true })));
}
