import { resolve } from 'node:path';
import { AppError, type ItemsUpdate } from '@contract';
import type { ItemsRepository } from '../storage/library/items-repository';

/** The library item at a path (as given on a command line: relative paths from the working folder). */
export function itemIdByPath(items: ItemsRepository, path: string): number {
  const id = items.idByPath(resolve(path));
  if (id === undefined) throw new AppError('NOT_FOUND', `${resolve(path)} is not in the library (add its folder with: index FOLDER).`);
  return id;
}

/** Tags as stored: trimmed, lower-case, no empty ones. */
export const cleanTags = (tags: readonly string[] | undefined): string[] => (tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean);

/** Rates, flags and tags many items at once (one transaction); says how many it changed. */
export function updateItems(items: ItemsRepository, update: ItemsUpdate): number {
  const ids = [...new Set(update.ids)];
  const known = items.countExisting(ids);
  if (known !== ids.length) throw new AppError('NOT_FOUND', `${ids.length - known} of the ${ids.length} photos are no longer in the library.`);
  items.update(ids, { rating: update.rating, flag: update.flag, addTags: cleanTags(update.addTags), removeTags: cleanTags(update.removeTags) });
  return ids.length;
}
