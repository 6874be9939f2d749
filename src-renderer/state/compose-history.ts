import { z } from 'zod';
import { SavedQuerySchema, type SavedQuery } from '@contract';

const KEY = 'studio.search.history';
export const HISTORY_SIZE = 20;

/** What makes two composed searches the same search: everything but the weights (and paging). */
function searchKey(entry: SavedQuery): string {
  const q = entry.query;
  return JSON.stringify([entry.name, q.reference, q.regionUploadId ?? null, q.conditions, q.negative, q.composer, q.steps ?? null, q.filters?.album ?? null]);
}

/** The composed searches kept in this browser, newest first (anything unreadable is dropped). */
export function readComposeHistory(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): SavedQuery[] {
  try {
    const parsed = z.array(SavedQuerySchema).safeParse(JSON.parse(storage?.getItem(KEY) ?? '[]'));
    return parsed.success ? parsed.data.slice(0, HISTORY_SIZE) : [];
  } catch {
    return [];
  }
}

/**
 * Puts a search that just ran first in the history and keeps it. Only the weights changed (a slider being dragged)
 * replaces the entry rather than adding one; an older identical entry moves to the front. At most 20 are kept.
 */
export function rememberComposed(history: readonly SavedQuery[], entry: SavedQuery, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): SavedQuery[] {
  const key = searchKey(entry);
  const next = [entry, ...history.filter((h) => searchKey(h) !== key)].slice(0, HISTORY_SIZE);
  try {
    storage?.setItem(KEY, JSON.stringify(next));
  } catch {
    // A full or disabled storage only loses the history, never the search.
  }
  return next;
}

/** A short label for a history entry: the reference, the texts in order, the negative, and the composer. */
export function historyLabel(entry: SavedQuery): string {
  const q = entry.query;
  const parts = [...(q.reference ? [entry.name] : []), ...(q.conditions ?? []).map((c) => `+ ${c}`), ...(q.negative ? [`− ${q.negative}`] : [])];
  return `${parts.join(' ').replace(/^\+ /, '')} · ${q.composer ?? 'sum'}`;
}
