import { contentHashesIn } from '@contract';
import { sweepTempFiles } from '../storage/temp-sweep';
import type { Db } from '../library/db';
import type { Uploads } from '../uploads';

/**
 * Every saved query's stored text, including rows a newer studio wrote that this one cannot parse (SavedQueries.list
 * leaves those out, but the uploads they name must still be kept).
 */
export function savedQueryTexts(db: Db): string[] {
  return db.prepare('SELECT query FROM saved_queries').pluck().all() as string[];
}

/**
 * Startup cleaning, in the background: temp files of writers that died mid-write, and uploads nobody used for a month
 * unless something still names them (saved queries, grounded turns, concepts kept for retraining).
 */
export async function cleanUp(dataDir: string, uploads: Uploads, named: { savedQueryTexts: () => string[]; hashes: () => string[] }): Promise<void> {
  try {
    await sweepTempFiles(dataDir);
    const saved = named.savedQueryTexts().join(' ');
    await uploads.sweep(new Set([...contentHashesIn(saved), ...named.hashes()]));
  } catch {
    // Cleaning is best effort; the next start tries again.
  }
}
