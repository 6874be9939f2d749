import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** A small JSON file the studio wrote (records beside a model), or null when it is absent or unreadable. */
export function readJsonSync<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** A model folder's JSON config, or {} when it is absent or unreadable (callers fall back to published defaults). */
export async function readJsonOrEmpty(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
