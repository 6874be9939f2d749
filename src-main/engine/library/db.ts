import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '@contract';
import { MIGRATIONS } from './migrations';
import { configuredSqliteBinding, explainBindingError } from './sqlite-binding';

export type Db = Database.Database;

/**
 * Opens the library database: WAL, foreign keys, a busy timeout, and every pending migration applied in one
 * transaction (so a crash mid-migration leaves the previous schema intact).
 */
export function openDatabase(file: string, migrations: readonly string[] = MIGRATIONS): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = openNative(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  migrate(db, migrations);
  return db;
}

function openNative(file: string): Db {
  const nativeBinding = configuredSqliteBinding();
  try {
    return nativeBinding ? new Database(file, { nativeBinding }) : new Database(file);
  } catch (error) {
    throw explainBindingError(error, { electron: process.versions.electron, modules: process.versions.modules }, nativeBinding);
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: readonly string[]): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new AppError('CONFLICT', `The library database is from a newer version of the studio (schema ${current}; this version knows ${migrations.length}).`);
  }
  if (current === migrations.length) return;
  db.transaction(() => {
    for (let v = current; v < migrations.length; v++) db.exec(migrations[v]!);
    db.pragma(`user_version = ${migrations.length}`);
  })();
}
