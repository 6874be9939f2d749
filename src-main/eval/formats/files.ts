import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { AppError } from '@contract';

/**
 * Finds an annotation file by its official name in `dir` or its sub-folder `sub` (e.g. captions/cap.rc2.val.json); also
 * accepts a suffixed sample (cap.rc2.val.sample50.json) when the full file is absent.
 */
export async function findAnnotation(dir: string, sub: string, base: string): Promise<string> {
  for (const folder of [join(dir, sub), dir]) {
    const exact = join(folder, `${base}.json`);
    if (existsSync(exact)) return exact;
    if (!existsSync(folder)) continue;
    const suffixed = (await readdir(folder)).filter((n) => n.startsWith(`${base}.`) && n.endsWith('.json')).sort();
    if (suffixed[0]) return join(folder, suffixed[0]);
  }
  throw new AppError('NOT_FOUND', `No ${base}.json in ${join(dir, sub)} or ${dir}.`, { dir, file: `${base}.json` });
}

/** Reads and validates a JSON annotation file, saying which file and which entry is wrong. */
export async function readAnnotation<T extends z.ZodType>(file: string, schema: T): Promise<z.output<T>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new AppError('INVALID_PARAMS', `${file} is not readable JSON: ${(error as Error).message}`, { file });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('INVALID_PARAMS', `${file} does not match the expected format at ${issue.path.join('.') || 'the top'}: ${issue.message}`, { file });
  }
  return parsed.data;
}

/** Refuses a dataset whose images are not where the annotations say, listing a few. */
export function requireImages(paths: Iterable<string>, hint: string): void {
  const missing = [...paths].filter((p) => !existsSync(p));
  if (missing.length === 0) return;
  throw new AppError('NOT_FOUND', `${missing.length} images are missing (e.g. ${missing.slice(0, 3).join(', ')}). ${hint}`, { missing: missing.length });
}
