import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@contract';

/** Largest file the studio accepts as a dropped image. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const ID = /^[0-9a-f]{64}$/;

/**
 * Files the user drops onto the studio (e.g. an image to search by), kept content-addressed in the data dir so the
 * engine reads only from its own folders. The id is the content's sha256.
 */
export class Uploads {
  constructor(private readonly dir: string) {}

  async put(bytes: Uint8Array): Promise<string> {
    if (bytes.byteLength === 0) throw new AppError('INVALID_PARAMS', 'The dropped file is empty.');
    if (bytes.byteLength > MAX_UPLOAD_BYTES) {
      throw new AppError('INVALID_PARAMS', `The dropped file is ${Math.round(bytes.byteLength / 1e6)} MB; the limit is ${MAX_UPLOAD_BYTES / 1e6} MB.`);
    }
    const id = createHash('sha256').update(bytes).digest('hex');
    const file = join(this.dir, id);
    if (!existsSync(file)) {
      await mkdir(this.dir, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, bytes);
      await rename(temp, file);
    }
    return id;
  }

  path(id: string): string {
    if (!ID.test(id)) throw new AppError('INVALID_PARAMS', 'That is not an upload id.');
    const file = join(this.dir, id);
    if (!existsSync(file)) throw new AppError('NOT_FOUND', 'That dropped file is no longer available; drop it again.');
    return file;
  }
}
