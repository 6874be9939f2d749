import { sweepTempFiles } from '../storage/temp-sweep';
import type { Uploads } from '../storage/uploads';

/**
 * Startup cleaning, in the background: temp files of writers that died mid-write, and uploads nobody used for a month
 * unless something still names them (saved queries, grounded turns, concepts kept for retraining).
 */
export async function cleanUp(dataDir: string, uploads: Uploads, named: { hashes: () => string[] }): Promise<void> {
  try {
    await sweepTempFiles(dataDir);
    await uploads.sweep(new Set(named.hashes()));
  } catch {
    // Cleaning is best effort; the next start tries again.
  }
}
