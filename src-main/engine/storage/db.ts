import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '@contract';
import { LIBRARY_MIGRATIONS } from './migrations';
import { configuredSqliteBinding, explainBindingError } from './sqlite-binding';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './atomic-write';

export type Db = Database.Database;

export interface OpenOptions {
  /**
   * For a data folder the studio cannot write: SQLite cannot open a WAL database there, even read-only, so a private
   * copy (with its WAL, so nothing recent is missed) is opened instead and removed on close. Nothing is written back.
   */
  readOnly?: boolean;
}

/**
 * Opens the library database: WAL, foreign keys, a busy timeout, and every pending migration applied in one
 * transaction (so a crash mid-migration leaves the previous schema intact).
 */
export function openDatabase(file: string, migrations: readonly string[] = LIBRARY_MIGRATIONS, options: OpenOptions = {}): Db {
  if (options.readOnly) return openCopy(file, migrations);
  const fresh = file !== ':memory:' && !existsSync(file);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const db = openNative(file);
  // The database holds the user's paths, tags and prompts: private like every other file the studio writes.
  if (fresh) chmodSync(file, PRIVATE_FILE_MODE);
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

function openCopy(file: string, migrations: readonly string[]): Db {
  const dir = mkdtempSync(join(tmpdir(), 'studio-readonly-'));
  const copy = join(dir, basename(file));
  try {
    // statSync, unlike existsSync, fails on a folder that cannot even be searched: that must not read as "no database".
    if (statSync(file, { throwIfNoEntry: false })) {
      copyFileSync(file, copy);
      if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    }
    const db = openNative(copy);
    db.pragma('foreign_keys = ON');
    const version = schemaVersion(db);
    if (version > migrations.length) throw new AppError('CONFLICT', `The database ${file} is from a newer version of the studio.`);
    // An older (or missing) database is brought up to date in the copy only.
    migrate(db, migrations);
    const close = db.close.bind(db);
    db.close = () => {
      const result = close();
      rmSync(dir, { recursive: true, force: true });
      return result;
    };
    return db;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
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
