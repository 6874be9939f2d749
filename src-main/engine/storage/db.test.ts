import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from './db';
import { LIBRARY_MIGRATIONS as MIGRATIONS } from './migrations';

describe('library database', () => {
  it('applies all migrations, with WAL and foreign keys on', async () => {
    const db = openDatabase(join(await mkdtemp(join(tmpdir(), 'studio-db-')), 'library.db'));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?)').run('/photos', 1);
    expect(() => db.prepare("INSERT INTO files (root_id, path, folder, name, size, mtime_ms) VALUES (99, '/x', '/', 'x', 1, 1)").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('rolls a failing migration back entirely', () => {
    const db = openDatabase(':memory:', ['CREATE TABLE a (x INTEGER);']);
    expect(() => migrate(db, ['CREATE TABLE a (x INTEGER);', 'CREATE TABLE b (y INTEGER); CREATE TABLE broken ('])).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get()).toEqual({ n: 0 });
  });

  it('refuses a database from a newer studio instead of guessing', () => {
    const db = openDatabase(':memory:', ['CREATE TABLE a (x INTEGER);', 'CREATE TABLE b (x INTEGER);']);
    expect(() => migrate(db, ['CREATE TABLE a (x INTEGER);'])).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
  });
});
