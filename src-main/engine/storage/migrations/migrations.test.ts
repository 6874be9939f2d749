import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { TurnStore } from '../../edit/turn-store';
import { openDatabase, schemaVersion } from '../db';
import { EDIT_MIGRATIONS, LIBRARY_MIGRATIONS, numbered } from './index';

/** The edit database's schema as the studio wrote it before the migrations became files (turn-store.ts's inline array). */
const OLD_EDIT_V1 = `
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, cursor_turn_id INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE turns (
  id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE, parent_id INTEGER REFERENCES turns(id) ON DELETE CASCADE,
  label TEXT, pipeline TEXT NOT NULL, instruction TEXT NOT NULL DEFAULT '', negative TEXT NOT NULL DEFAULT '', params TEXT, model_id TEXT, provider TEXT,
  image_file TEXT NOT NULL, thumb_file TEXT NOT NULL, mask_file TEXT, timings TEXT, created_at INTEGER NOT NULL, visited_at INTEGER NOT NULL
);
CREATE INDEX turns_project ON turns(project_id);
CREATE INDEX turns_parent ON turns(parent_id);
`;
const OLD_EDIT_V2 = 'ALTER TABLE turns ADD COLUMN grounding TEXT;';

/** An edit.db as an older studio left it: schema `version`, one project with a source turn and an edit. */
function oldEditDatabase(version: 1 | 2): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-edit-old-'));
  const db = new Database(join(dir, 'edit.db'));
  db.exec(OLD_EDIT_V1);
  if (version === 2) db.exec(OLD_EDIT_V2);
  db.pragma(`user_version = ${version}`);
  db.prepare("INSERT INTO projects (id, name, width, height, cursor_turn_id, created_at, updated_at) VALUES (1, 'old', 64, 48, 2, 1, 1)").run();
  db.prepare("INSERT INTO turns (id, project_id, parent_id, pipeline, instruction, image_file, thumb_file, created_at, visited_at) VALUES (1, 1, NULL, 'source', '', 'a.png', 'a-thumb.png', 1, 1)").run();
  db.prepare("INSERT INTO turns (id, project_id, parent_id, pipeline, instruction, image_file, thumb_file, created_at, visited_at) VALUES (2, 1, 1, 'inpaint', 'a red mug', 'b.png', 'b-thumb.png', 2, 2)").run();
  db.close();
  return dir;
}

describe('migration files', () => {
  it('are read in version order, one per number, for both databases', () => {
    expect(LIBRARY_MIGRATIONS).toHaveLength(7);
    expect(LIBRARY_MIGRATIONS[0]).toMatch(/CREATE TABLE roots/);
    expect(LIBRARY_MIGRATIONS[4]).toMatch(/ADD COLUMN meta_version/);
    expect(LIBRARY_MIGRATIONS[5]).toMatch(/CREATE TABLE albums/);
    expect(LIBRARY_MIGRATIONS[6]).toMatch(/ADD COLUMN preview_width/);
    expect(EDIT_MIGRATIONS).toHaveLength(4);
    expect(EDIT_MIGRATIONS[0]).toMatch(/CREATE TABLE projects/);
    expect(EDIT_MIGRATIONS[1]).toMatch(/ADD COLUMN grounding/);
    expect(EDIT_MIGRATIONS[2]).toMatch(/ADD COLUMN original_file/);
    expect(EDIT_MIGRATIONS[3]).toMatch(/ADD COLUMN crop/);
  });

  it('orders by number, not by how the files were listed', () => {
    expect(numbered({ './x/0002-b.sql': 'B', './x/0001-a.sql': 'A' })).toEqual(['A', 'B']);
  });

  it('refuses a gap, a repeated number or an unnumbered file', () => {
    expect(() => numbered({ './x/0001-a.sql': 'A', './x/0003-c.sql': 'C' })).toThrow(/without gaps/);
    expect(() => numbered({ './x/0001-a.sql': 'A', './x/0001-b.sql': 'B' })).toThrow(/without gaps/);
    expect(() => numbered({ './x/initial.sql': 'A' })).toThrow(/NNNN-what\.sql/);
  });

  it('gives a new library database the same tables as before', () => {
    const db = openDatabase(':memory:');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'files_fts%' ORDER BY name").pluck().all();
    expect(tables).toEqual(['album_items', 'albums', 'concepts', 'embeddings', 'files', 'roots', 'saved_queries', 'tags']);
    expect(schemaVersion(db)).toBe(7);
  });
});

describe('edit databases made by older studios', () => {
  for (const version of [1, 2] as const) {
    it(`upgrade from schema ${version} and keep their projects and turns`, () => {
      const dir = oldEditDatabase(version);
      const store = new TurnStore(dir);
      expect(schemaVersion(store.db)).toBe(EDIT_MIGRATIONS.length);
      const view = store.view(1);
      expect(view).toMatchObject({ id: 1, name: 'old', kind: 'photo', originalWidth: 64, originalHeight: 48, cursor: 2, canUndo: true });
      expect(view.tree.map((t) => [t.id, t.parentId, t.pipeline, t.instruction, t.typed, t.grounding])).toEqual([
        [1, null, 'source', '', '', null],
        [2, 1, 'inpaint', 'a red mug', 'a red mug', null],
      ]);
      expect(store.originalPath(1)).toBeNull();
      store.close();
    });
  }

  it('opens one at the current schema without changing it', () => {
    const dir = oldEditDatabase(2);
    new TurnStore(dir).close();
    const again = new TurnStore(dir);
    expect(schemaVersion(again.db)).toBe(4);
    expect(again.list().map((p) => p.name)).toEqual(['old']);
    again.close();
  });
});
