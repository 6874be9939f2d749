import type { AppInfo } from '@contract';

/**
 * Which host the renderer runs in, as app.info says (StudioState sets it). Desktop-only actions (show in folder, the
 * folder picker) need the desktop window; in a browser the server may be another machine, so they never run there.
 */
export const hostMode = $state<{ host: AppInfo['host'] | null }>({ host: null });

/** The desktop window with its preload bridge. */
export function isDesktop(): boolean {
  return hostMode.host === 'electron' && !!globalThis.window?.studioBridge;
}
