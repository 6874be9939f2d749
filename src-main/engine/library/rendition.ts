import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharp } from '../shared/native-packages';
import { AppError } from '@contract';
import { writeFileAtomic } from '../storage/atomic-write';
import { readRegularFile } from '../storage/regular-file';

/** The viewer's picture: upright, at most this many pixels on its long side (full size for most photos). */
export const VIEW_MAX_SIDE = 4096;

/**
 * A large rendition of a library photo for the full-size viewer, cached beside the thumbnails by content hash (so the
 * hosts serve it from the thumbnail folder, and a moved or duplicated photo shares it). Written atomically.
 */
export async function viewRendition(path: string, hash: string, thumbDir: string): Promise<{ file: string; width: number; height: number }> {
  const file = join('view', hash.slice(0, 2), `${hash}.webp`);
  const target = join(thumbDir, file);
  if (!existsSync(target)) {
    let data: Buffer;
    try {
      data = await sharp(await readRegularFile(path)).rotate().resize(VIEW_MAX_SIDE, VIEW_MAX_SIDE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 90 }).toBuffer();
    } catch (error) {
      throw new AppError('BAD_IMAGE', `${path} could not be read: ${(error as Error).message.split('\n')[0]}`);
    }
    await writeFileAtomic(target, data);
  }
  const meta = await sharp(target).metadata();
  return { file, width: meta.width!, height: meta.height! };
}
