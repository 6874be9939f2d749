import { SavedQuerySchema, type SavedQuery } from '@contract';

const CURRENT = 'studio.search.current';

/** The search on screen, kept (in this tab) for a reload of the page. */
export function rememberCurrent(saved: SavedQuery): void {
  globalThis.sessionStorage?.setItem(CURRENT, JSON.stringify(saved));
}

export function restoreCurrent(): SavedQuery | null {
  try {
    const parsed = SavedQuerySchema.safeParse(JSON.parse(globalThis.sessionStorage?.getItem(CURRENT) ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function forgetCurrent(): void {
  globalThis.sessionStorage?.removeItem(CURRENT);
}
