import type { Db } from '../db';

interface ProjectRow {
  id: number;
  name: string;
  width: number;
  height: number;
  cursor_turn_id: number | null;
  created_at: number;
  updated_at: number;
  original_file: string | null;
  original_width: number | null;
  original_height: number | null;
  kind: 'photo' | 'canvas';
}

/** An edit project as stored. */
export interface StoredProject {
  id: number;
  name: string;
  width: number;
  height: number;
  /** The turn shown (null until the first turn is made). */
  cursorTurnId: number | null;
  createdAt: number;
  updatedAt: number;
  /** The full-resolution original's file name in the project folder, if it has one. */
  originalFile: string | null;
  originalWidth: number | null;
  originalHeight: number | null;
  kind: 'photo' | 'canvas';
}

function toStored(row: ProjectRow): StoredProject {
  return {
    id: row.id,
    name: row.name,
    width: row.width,
    height: row.height,
    cursorTurnId: row.cursor_turn_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    originalFile: row.original_file,
    originalWidth: row.original_width,
    originalHeight: row.original_height,
    kind: row.kind,
  };
}

/** Edit projects (edit.db's projects table): name, size, the turn shown (cursor) and the full-size original. */
export class ProjectsRepository {
  constructor(private readonly db: Db) {}

  create(name: string, width: number, height: number, kind: 'photo' | 'canvas', now: number): number {
    return Number(this.db.prepare('INSERT INTO projects (name, width, height, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(name, width, height, kind, now, now).lastInsertRowid);
  }

  get(id: number): StoredProject | undefined {
    const row = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined;
    return row && toStored(row);
  }

  /** Most recently changed first. */
  list(): StoredProject[] {
    return (this.db.prepare('SELECT * FROM projects ORDER BY updated_at DESC, id DESC').all() as ProjectRow[]).map(toStored);
  }

  /** Projects created before `before` that have no turn (their creation never finished). */
  withoutTurns(before: number): number[] {
    return this.db.prepare('SELECT id FROM projects p WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM turns t WHERE t.project_id = p.id)').pluck().all(before) as number[];
  }

  setOriginal(id: number, file: string, width: number, height: number): void {
    this.db.prepare('UPDATE projects SET original_file = ?, original_width = ?, original_height = ? WHERE id = ?').run(file, width, height, id);
  }

  /** Moves the cursor; `updatedAt` also stamps the project as changed. */
  setCursor(id: number, turnId: number | null, updatedAt?: number): void {
    if (updatedAt === undefined) this.db.prepare('UPDATE projects SET cursor_turn_id = ? WHERE id = ?').run(turnId, id);
    else this.db.prepare('UPDATE projects SET cursor_turn_id = ?, updated_at = ? WHERE id = ?').run(turnId, updatedAt, id);
  }

  rename(id: number, name: string): void {
    this.db.prepare('UPDATE projects SET name = ? WHERE id = ?').run(name, id);
  }

  /** Deletes a project and (by cascade) its turns. */
  delete(id: number): void {
    this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
  }
}
