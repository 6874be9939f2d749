import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A folder of the repository's resources/ (found upwards from this module, in the sources and in the build alike). */
export function resourceDir(name: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources', name);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return null;
}
