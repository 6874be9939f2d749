import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve, sep } from 'node:path';
import { AppError } from '@contract';

/**
 * What a studio reachable over the network may touch (server mode; opt-in for the desktop window): library folders only
 * inside the allowed roots, and no change of the models folder or download mirror over the wire unless allowed.
 */
export interface Confinement {
  /** Real paths of the folders library roots must lie in. */
  allowRoots: string[];
  allowRemoteSettings: boolean;
}

/** --allow-roots DIR[,DIR]: absolute or relative to the working folder; each must exist. Default: the user's home. */
export function parseAllowRoots(value: string | undefined, home = homedir()): string[] {
  const listed = value === undefined ? [home] : value.split(',').map((s) => s.trim()).filter(Boolean);
  if (listed.length === 0) throw new AppError('INVALID_PARAMS', '--allow-roots needs at least one folder.');
  return listed.map((dir) => {
    try {
      return realpathSync(resolve(dir));
    } catch {
      throw new AppError('NOT_FOUND', `--allow-roots: ${resolve(dir)} is not a folder the studio can find.`);
    }
  });
}

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Refuses a library folder outside the allowed roots, judged by its real path (a symlink cannot lead out). */
export function checkRootAllowed(path: string, confinement: Confinement): void {
  if (!isAbsolute(path)) return; // the library refuses relative paths itself
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return; // the library says it cannot find it
  }
  if (!confinement.allowRoots.some((root) => inside(real, root))) {
    throw new AppError(
      'INVALID_PARAMS',
      `${path} is outside the folders this studio may read (${confinement.allowRoots.join(', ')}). Restart it with --allow-roots to allow another folder.`,
      { path, allowRoots: confinement.allowRoots },
    );
  }
}

/** Why the models folder and mirror cannot be changed over the wire, or null when they can. */
export function remoteSettingsLock(confinement: Confinement | undefined): string | null {
  // Read in the UI as “set by <this> for this run”.
  return confinement && !confinement.allowRemoteSettings ? 'server mode without --allow-remote-settings' : null;
}
