import { resolve } from 'node:path';
import { AppError, type ItemsUpdate } from '@contract';
import type { Db } from '../storage/db';

const FLAGS = { pick: 1, none: 0, reject: -1 } as const;
export const flagName = (value: number): 'pick' | 'reject' | 'none' => (value > 0 ? 'pick' : value < 0 ? 'reject' : 'none');

/** The library item at a path (as given on a command line: relative paths from the working folder). */
export function itemIdByPath(db: Db, path: string): number {
  const id = db.prepare('SELECT id FROM files WHERE path = ?').pluck().get(resolve(path)) as number | undefined;
  if (id === undefined) throw new AppError('NOT_FOUND', `${resolve(path)} is not in the library (add its folder with: index FOLDER).`);
  return id;
}

/** Rates, flags and tags many items at once (one transaction); says how many it changed. */
export function updateItems(db: Db, update: ItemsUpdate): number {
  const ids = [...new Set(update.ids)];
  const known = db.prepare(`SELECT count(*) FROM files WHERE id IN (${ids.map(() => '?').join(',')})`).pluck().get(...ids) as number;
  if (known !== ids.length) throw new AppError('NOT_FOUND', `${ids.length - known} of the ${ids.length} photos are no longer in the library.`);
  const clean = (tags: string[] | undefined) => (tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean);
  const add = clean(update.addTags);
  const remove = clean(update.removeTags);
  db.transaction(() => {
    for (const id of ids) {
      if (update.rating !== undefined) db.prepare('UPDATE files SET rating = ? WHERE id = ?').run(update.rating, id);
      if (update.flag !== undefined) db.prepare('UPDATE files SET flag = ? WHERE id = ?').run(FLAGS[update.flag], id);
      for (const tag of add) db.prepare('INSERT OR IGNORE INTO tags (file_id, tag) VALUES (?, ?)').run(id, tag);
      for (const tag of remove) db.prepare('DELETE FROM tags WHERE file_id = ? AND tag = ?').run(id, tag);
    }
  })();
  return ids.length;
}
