import { existsSync, rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { writeFileAtomic } from '../storage/atomic-write';
import { join } from 'node:path';
import { AppError, contentHashesIn, turnFileUrl, TurnGroundingSchema, TurnParamsSchema, type ProjectSummary, type ProjectView, type Turn, type TurnGrounding, type TurnParams } from '@contract';
import { openDatabase, type Db } from '../library/db';
import type { StageTimings } from './pipeline';

/** Append-only schema of the edit projects database (index i = version i + 1). */
const MIGRATIONS = [
  `
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  cursor_turn_id INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE turns (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES turns(id) ON DELETE CASCADE,
  label TEXT,
  pipeline TEXT NOT NULL,
  instruction TEXT NOT NULL DEFAULT '',
  negative TEXT NOT NULL DEFAULT '',
  params TEXT,
  model_id TEXT,
  provider TEXT,
  image_file TEXT NOT NULL,
  thumb_file TEXT NOT NULL,
  mask_file TEXT,
  timings TEXT,
  created_at INTEGER NOT NULL,
  visited_at INTEGER NOT NULL
);
CREATE INDEX turns_project ON turns(project_id);
CREATE INDEX turns_parent ON turns(parent_id);
`,
  // Grounded turns: η, γ, schedule and neighbours (content hashes).
  `ALTER TABLE turns ADD COLUMN grounding TEXT;`,
  // The full-resolution picture a project was made from (exports come back at its size); null for older projects and blank canvases.
  `
ALTER TABLE projects ADD COLUMN original_file TEXT;
ALTER TABLE projects ADD COLUMN original_width INTEGER;
ALTER TABLE projects ADD COLUMN original_height INTEGER;
ALTER TABLE projects ADD COLUMN kind TEXT NOT NULL DEFAULT 'photo';
ALTER TABLE turns ADD COLUMN typed TEXT;
`,
];

interface TurnRow {
  id: number;
  project_id: number;
  parent_id: number | null;
  label: string | null;
  pipeline: Turn['pipeline'];
  instruction: string;
  typed: string | null;
  negative: string;
  params: string | null;
  model_id: string | null;
  provider: string | null;
  image_file: string;
  thumb_file: string;
  mask_file: string | null;
  timings: string | null;
  grounding: string | null;
  created_at: number;
  visited_at: number;
}

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

export interface NewTurn {
  projectId: number;
  parentId: number | null;
  pipeline: Turn['pipeline'];
  instruction: string;
  /** The instruction as the user typed it (before concept names were described for the model), when it differs. */
  typed?: string | null;
  negative: string;
  params: TurnParams | null;
  modelId: string | null;
  provider: string | null;
  timings: StageTimings | null;
  /** Grounded turns: what the view shows, plus anything else kept with it (the turn's grounded recipe). */
  grounding?: (TurnGrounding & Record<string, unknown>) | null;
  /** PNG bytes of the result, its thumbnail, and the mask (if any). */
  image: Buffer;
  thumb: Buffer;
  mask: Buffer | null;
}

/**
 * Edit projects and their turn trees: rows in <data>/edit/edit.db, pictures in <data>/edit/projects/<id>/. A turn's
 * files are written (atomically) before its row, so a crash never leaves a turn without its picture; turns are never
 * changed after they are made — re-running makes a sibling.
 */
export class TurnStore {
  readonly db: Db;
  private clock = 0;

  constructor(readonly dir: string, readOnly = false) {
    this.db = openDatabase(join(dir, 'edit.db'), MIGRATIONS, { readOnly });
    if (!readOnly) this.removeUnfinishedProjects(10 * 60_000);
  }

  /** Projects that never got their source turn (creation killed midway), left alone while another process may still be making them. */
  removeUnfinishedProjects(olderThanMs: number): number {
    const ids = this.db
      .prepare('SELECT id FROM projects p WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM turns t WHERE t.project_id = p.id)')
      .pluck()
      .all(Date.now() - olderThanMs) as number[];
    for (const id of ids) {
      this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
      try {
        rmSync(this.projectDir(id), { recursive: true, force: true });
      } catch {
        // Its folder could not be removed now; the row is gone, so nothing shows it.
      }
    }
    return ids.length;
  }

  /** Where a project's files live (served under /turns/<id>/). */
  projectDir(id: number): string {
    return join(this.dir, 'projects', String(id));
  }

  /** Strictly increasing timestamps, so "visited last" is never a tie. */
  private now(): number {
    this.clock = Math.max(this.clock + 1, Date.now());
    return this.clock;
  }

  createProject(name: string, width: number, height: number, kind: 'photo' | 'canvas' = 'photo'): number {
    const now = this.now();
    return Number(this.db.prepare('INSERT INTO projects (name, width, height, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(name, width, height, kind, now, now).lastInsertRowid);
  }

  /** Keeps the full-resolution original beside the project's turns (written atomically, then recorded). */
  async setOriginal(projectId: number, bytes: Buffer, extension: string, width: number, height: number): Promise<void> {
    const dir = this.projectDir(projectId);
    await mkdir(dir, { recursive: true });
    const name = `original${extension.toLowerCase().replace(/[^.a-z0-9]/g, '')}`;
    const temp = join(dir, `${name}.${process.pid}.tmp`);
    await writeFile(temp, bytes);
    await rename(temp, join(dir, name));
    this.db.prepare('UPDATE projects SET original_file = ?, original_width = ?, original_height = ? WHERE id = ?').run(name, width, height, projectId);
  }

  /** The full-resolution original's file, or null when the project has none (its first turn is then the original). */
  originalPath(projectId: number): string | null {
    const row = this.project(projectId);
    return row.original_file ? join(this.projectDir(projectId), row.original_file) : null;
  }

  /** Writes an export as the project's one export file (replacing the previous one); returns its URL. */
  async writeExport(projectId: number, bytes: Buffer, extension: string): Promise<string> {
    const dir = this.projectDir(projectId);
    const name = `export-${Date.now().toString(36)}.${extension}`;
    for (const old of (await readdir(dir)).filter((f) => f.startsWith('export-'))) await rm(join(dir, old), { force: true });
    const temp = join(dir, `${name}.${process.pid}.tmp`);
    await writeFile(temp, bytes);
    await rename(temp, join(dir, name));
    return turnFileUrl(projectId, name);
  }

  async addTurn(turn: NewTurn): Promise<number> {
    const dir = this.projectDir(turn.projectId);
    await mkdir(dir, { recursive: true });
    const stem = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const files = { image: `${stem}.png`, thumb: `${stem}-thumb.png`, mask: turn.mask ? `${stem}-mask.png` : null };
    const write = (name: string, bytes: Buffer) => writeFileAtomic(join(dir, name), bytes);
    await write(files.image, turn.image);
    await write(files.thumb, turn.thumb);
    if (files.mask && turn.mask) await write(files.mask, turn.mask);
    const now = this.now();
    const id = this.db.transaction(() => {
      const inserted = Number(
        this.db
          .prepare(
            `INSERT INTO turns (project_id, parent_id, pipeline, instruction, typed, negative, params, model_id, provider, image_file, thumb_file, mask_file, timings, grounding, created_at, visited_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            turn.projectId,
            turn.parentId,
            turn.pipeline,
            turn.instruction,
            turn.typed ?? null,
            turn.negative,
            turn.params ? JSON.stringify(turn.params) : null,
            turn.modelId,
            turn.provider,
            files.image,
            files.thumb,
            files.mask,
            turn.timings ? JSON.stringify(turn.timings) : null,
            turn.grounding ? JSON.stringify(turn.grounding) : null,
            now,
            now,
          ).lastInsertRowid,
      );
      this.db.prepare('UPDATE projects SET cursor_turn_id = ?, updated_at = ? WHERE id = ?').run(inserted, now, turn.projectId);
      return inserted;
    })();
    return id;
  }

  private project(id: number): ProjectRow {
    const row = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No edit project ${id}.`);
    return row;
  }

  private rows(projectId: number): TurnRow[] {
    return this.db.prepare('SELECT * FROM turns WHERE project_id = ? ORDER BY id').all(projectId) as TurnRow[];
  }

  turnRow(id: number): TurnRow {
    const row = this.db.prepare('SELECT * FROM turns WHERE id = ?').get(id) as TurnRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No turn ${id}.`);
    return row;
  }

  /** The file of a turn's picture (or mask) on disk. */
  filePath(row: TurnRow, which: 'image' | 'mask' = 'image'): string | null {
    const name = which === 'image' ? row.image_file : row.mask_file;
    return name ? join(this.projectDir(row.project_id), name) : null;
  }

  /** The chain from the project's first turn down to this one. */
  chain(turnId: number): TurnRow[] {
    const out: TurnRow[] = [];
    for (let row: TurnRow | null = this.turnRow(turnId); row; row = row.parent_id === null ? null : this.turnRow(row.parent_id)) out.unshift(row);
    return out;
  }

  private toTurn(row: TurnRow): Turn {
    const url = (name: string) => turnFileUrl(row.project_id, name);
    return {
      id: row.id,
      parentId: row.parent_id,
      label: row.label,
      pipeline: row.pipeline,
      instruction: row.instruction,
      typed: row.typed ?? row.instruction,
      negative: row.negative,
      params: row.params ? TurnParamsSchema.parse(JSON.parse(row.params)) : null,
      modelId: row.model_id,
      provider: row.provider,
      image: url(row.image_file),
      thumb: url(row.thumb_file),
      mask: row.mask_file ? url(row.mask_file) : null,
      timings: row.timings ? JSON.parse(row.timings) : null,
      grounding: row.grounding ? TurnGroundingSchema.parse(JSON.parse(row.grounding)) : null,
      createdAt: row.created_at,
    };
  }

  view(projectId: number): ProjectView {
    const project = this.project(projectId);
    const rows = this.rows(projectId);
    const cursor = project.cursor_turn_id ?? rows[0]?.id;
    if (cursor === undefined) throw new AppError('NOT_FOUND', `Project ${projectId} has no turns.`);
    const current = rows.find((r) => r.id === cursor)!;
    return {
      ...this.summary(project, rows),
      kind: project.kind,
      originalWidth: project.original_width ?? project.width,
      originalHeight: project.original_height ?? project.height,
      tree: rows.map((r) => this.toTurn(r)),
      cursor,
      canUndo: current.parent_id !== null,
      canRedo: rows.some((r) => r.parent_id === cursor),
    };
  }

  private summary(project: ProjectRow, rows: TurnRow[]): ProjectSummary {
    const current = rows.find((r) => r.id === project.cursor_turn_id) ?? rows[0]!;
    return { id: project.id, name: project.name, width: project.width, height: project.height, turns: rows.length, thumb: this.toTurn(current).thumb, updatedAt: project.updated_at };
  }

  list(): ProjectSummary[] {
    const projects = this.db.prepare('SELECT * FROM projects ORDER BY updated_at DESC, id DESC').all() as ProjectRow[];
    return projects.flatMap((p) => {
      const rows = this.rows(p.id);
      return rows.length ? [this.summary(p, rows)] : [];
    });
  }

  setCursor(projectId: number, turnId: number): ProjectView {
    const row = this.turnRow(turnId);
    if (row.project_id !== projectId) throw new AppError('INVALID_PARAMS', `Turn ${turnId} is not in project ${projectId}.`);
    const now = this.now();
    this.db.prepare('UPDATE turns SET visited_at = ? WHERE id = ?').run(now, turnId);
    this.db.prepare('UPDATE projects SET cursor_turn_id = ?, updated_at = ? WHERE id = ?').run(turnId, now, projectId);
    return this.view(projectId);
  }

  undo(projectId: number): ProjectView {
    const view = this.view(projectId);
    const parent = this.turnRow(view.cursor).parent_id;
    return parent === null ? view : this.setCursor(projectId, parent);
  }

  redo(projectId: number): ProjectView {
    const view = this.view(projectId);
    const child = this.db.prepare('SELECT id FROM turns WHERE parent_id = ? ORDER BY visited_at DESC, id DESC LIMIT 1').pluck().get(view.cursor) as number | undefined;
    return child === undefined ? view : this.setCursor(projectId, child);
  }

  rename(turnId: number, label: string): ProjectView {
    const row = this.turnRow(turnId);
    this.db.prepare('UPDATE turns SET label = ? WHERE id = ?').run(label || null, turnId);
    return this.view(row.project_id);
  }

  /** Deletes a turn and its descendants (never the first turn); the cursor moves up if it was among them. */
  async deleteBranch(turnId: number): Promise<ProjectView> {
    const row = this.turnRow(turnId);
    if (row.parent_id === null) throw new AppError('INVALID_PARAMS', 'The original picture cannot be deleted; delete the project instead.');
    const rows = this.rows(row.project_id);
    const doomed = new Set([turnId]);
    for (const r of rows) if (r.parent_id !== null && doomed.has(r.parent_id)) doomed.add(r.id);
    const project = this.project(row.project_id);
    this.db.transaction(() => {
      if (project.cursor_turn_id !== null && doomed.has(project.cursor_turn_id)) this.db.prepare('UPDATE projects SET cursor_turn_id = ? WHERE id = ?').run(row.parent_id, row.project_id);
      this.db.prepare('DELETE FROM turns WHERE id = ?').run(turnId);
    })();
    for (const r of rows.filter((x) => doomed.has(x.id))) {
      for (const name of [r.image_file, r.thumb_file, r.mask_file]) if (name) await rm(join(this.projectDir(r.project_id), name), { force: true });
    }
    return this.view(row.project_id);
  }

  renameProject(id: number, name: string): ProjectView {
    this.project(id);
    this.db.prepare('UPDATE projects SET name = ? WHERE id = ?').run(name, id);
    return this.view(id);
  }

  async deleteProject(id: number): Promise<void> {
    this.project(id);
    this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
    if (existsSync(this.projectDir(id))) await rm(this.projectDir(id), { recursive: true, force: true });
  }

  /** Content hashes that grounded turns name (their neighbours): dropped files they need for replay. */
  referencedHashes(): string[] {
    const rows = this.db.prepare('SELECT grounding FROM turns WHERE grounding IS NOT NULL').pluck().all() as string[];
    return rows.flatMap(contentHashesIn);
  }

  close(): void {
    this.db.close();
  }
}
