/// <reference types="vite/client" />

/**
 * Each database's schema as numbered, append-only SQL files (never edit a released one; add the next number). File
 * NNNN-….sql is schema version NNNN: a database at user_version v gets files v+1… applied. The files are bundled at
 * build time (import.meta.glob), so the built app needs no folder of SQL beside it.
 */
const library = import.meta.glob<string>('./library/*.sql', { query: '?raw', import: 'default', eager: true });
const edit = import.meta.glob<string>('./edit/*.sql', { query: '?raw', import: 'default', eager: true });

/** The files' contents in version order; a gap or a duplicate number is a mistake caught at load. */
export function numbered(files: Record<string, string>): string[] {
  const entries = Object.entries(files).map(([path, sql]) => {
    const match = /\/(\d{4})-[^/]+\.sql$/.exec(path);
    if (!match) throw new Error(`Migration ${path} is not named NNNN-what.sql.`);
    return { version: Number(match[1]), path, sql };
  });
  entries.sort((a, b) => a.version - b.version);
  entries.forEach((e, i) => {
    if (e.version !== i + 1) throw new Error(`Migrations must be numbered 0001, 0002, … without gaps: found ${e.path} at position ${i + 1}.`);
  });
  return entries.map((e) => e.sql);
}

/** The library database (roots, files, tags, embeddings, saved queries, concepts). Index i is schema version i + 1. */
export const LIBRARY_MIGRATIONS: readonly string[] = numbered(library);
/** The edit database (projects and turns). Index i is schema version i + 1. */
export const EDIT_MIGRATIONS: readonly string[] = numbered(edit);
