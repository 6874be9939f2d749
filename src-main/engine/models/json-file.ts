import { readFileSync } from 'node:fs';

/** A small JSON file the studio wrote (records beside a model), or null when it is absent or unreadable. */
export function readJsonSync<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}
