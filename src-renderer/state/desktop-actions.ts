import type { StudioBridge } from '@contract';

export interface RevealDeps {
  /** The desktop bridge, only when running in the desktop window. */
  bridge: Pick<StudioBridge, 'showInFolder'> | null;
  clipboard: { writeText(text: string): Promise<void> } | null;
}

/**
 * "Show in folder": the desktop window opens the file manager at the photo; a browser copies the full path instead (the
 * server may be another machine, so nothing opens there). Answers what happened, in words for the button's note.
 */
export async function showInFolder(item: { id: number; path: string }, deps: RevealDeps): Promise<string> {
  if (deps.bridge) {
    await deps.bridge.showInFolder({ itemId: item.id });
    return 'Shown in folder';
  }
  if (!deps.clipboard) return `Copy the path: ${item.path}`;
  try {
    await deps.clipboard.writeText(item.path);
    return 'Path copied';
  } catch {
    return `Copy the path: ${item.path}`;
  }
}

/** The system's folder picker in the desktop window; null when cancelled or not available (a browser types the path). */
export async function pickFolder(bridge: Pick<StudioBridge, 'pickFolder'> | null, title: string): Promise<string | null> {
  if (!bridge) return null;
  const picked = await bridge.pickFolder({ title });
  return typeof picked === 'string' && picked ? picked : null;
}
