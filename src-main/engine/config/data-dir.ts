import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataDirSources {
  /** Value of --data-dir, if given. */
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/** The per-user default, following each OS's convention for application data. */
export function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Compose Studio');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Compose Studio');
    default:
      return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'compose-studio');
  }
}

/** --data-dir beats STUDIO_DATA_DIR beats the OS default. Always absolute. */
export function resolveDataDir(sources: DataDirSources = {}): string {
  const env = sources.env ?? process.env;
  const chosen =
    sources.flag ||
    env.STUDIO_DATA_DIR ||
    defaultDataDir(sources.platform ?? process.platform, env, sources.home ?? homedir());
  return resolve(chosen);
}
