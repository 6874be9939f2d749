import { existsSync, rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { writeFileAtomic } from '../storage/atomic-write';
import { join } from 'node:path';
import { AppError, contentHashesIn, turnFileUrl, type ProjectSummary, type ProjectView, type Turn, type TurnGrounding, type TurnParams, type CropBox } from '@contract';
import { openDatabase, type Db } from '../storage/db';
import { ProjectsRepository, type StoredProject } from '../storage/edit/projects-repository';
import { TurnsRepository, type TurnRow } from '../storage/edit/turns-repository';
import { EDIT_MIGRATIONS } from '../storage/migrations';
import { projectSummary, projectView } from './project-view';
import type { StageTimings } from './pipeline';

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
  /** Crop turns: the box they cut. */
  crop?: CropBox | null;
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
  private readonly projects: ProjectsRepository;
  private readonly turns: TurnsRepository;
  private clock = 0;

  constructor(readonly dir: string, readOnly = false) {
    this.db = openDatabase(join(dir, 'edit.db'), EDIT_MIGRATIONS, { readOnly });
    this.projects = new ProjectsRepository(this.db);
    this.turns = new TurnsRepository(this.db);
    if (!readOnly) this.removeUnfinishedProjects(10 * 60_000);
  }

  /** Projects that never got their source turn (creation killed midway), left alone while another process may still be making them. */
  removeUnfinishedProjects(olderThanMs: number): number {
    const ids = this.projects.withoutTurns(Date.now() - olderThanMs);
    for (const id of ids) {
      this.projects.delete(id);
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
    return this.projects.create(name, width, height, kind, now);
  }

  /** Keeps the full-resolution original beside the project's turns (written atomically, then recorded). */
  async setOriginal(projectId: number, bytes: Buffer, extension: string, width: number, height: number): Promise<void> {
    const dir = this.projectDir(projectId);
    await mkdir(dir, { recursive: true });
    const name = `original${extension.toLowerCase().replace(/[^.a-z0-9]/g, '')}`;
    const temp = join(dir, `${name}.${process.pid}.tmp`);
    await writeFile(temp, bytes);
    await rename(temp, join(dir, name));
    this.projects.setOriginal(projectId, name, width, height);
  }

  /** The full-resolution original's file, or null when the project has none (its first turn is then the original). */
  originalPath(projectId: number): string | null {
    const row = this.project(projectId);
    return row.originalFile ? join(this.projectDir(projectId), row.originalFile) : null;
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
    return this.turns.insert(
      {
        project_id: turn.projectId,
        parent_id: turn.parentId,
        pipeline: turn.pipeline,
        instruction: turn.instruction,
        typed: turn.typed ?? null,
        negative: turn.negative,
        params: turn.params ? JSON.stringify(turn.params) : null,
        model_id: turn.modelId,
        provider: turn.provider,
        image_file: files.image,
        thumb_file: files.thumb,
        mask_file: files.mask,
        timings: turn.timings ? JSON.stringify(turn.timings) : null,
        grounding: turn.grounding ? JSON.stringify(turn.grounding) : null,
        crop: turn.crop ? JSON.stringify(turn.crop) : null,
      },
      this.now(),
    );
  }

  private project(id: number): StoredProject {
    const row = this.projects.get(id);
    if (!row) throw new AppError('NOT_FOUND', `No edit project ${id}.`);
    return row;
  }

  private rows(projectId: number): TurnRow[] {
    return this.turns.ofProject(projectId);
  }

  turnRow(id: number): TurnRow {
    const row = this.turns.get(id);
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

  view(projectId: number): ProjectView {
    const view = projectView(this.project(projectId), this.rows(projectId));
    if (!view) throw new AppError('NOT_FOUND', `Project ${projectId} has no turns.`);
    return view;
  }

  list(): ProjectSummary[] {
    return this.projects.list().flatMap((p) => {
      const rows = this.rows(p.id);
      return rows.length ? [projectSummary(p, rows)] : [];
    });
  }

  setCursor(projectId: number, turnId: number): ProjectView {
    const row = this.turnRow(turnId);
    if (row.project_id !== projectId) throw new AppError('INVALID_PARAMS', `Turn ${turnId} is not in project ${projectId}.`);
    this.turns.visit(projectId, turnId, this.now());
    return this.view(projectId);
  }

  undo(projectId: number): ProjectView {
    const view = this.view(projectId);
    const parent = this.turnRow(view.cursor).parent_id;
    return parent === null ? view : this.setCursor(projectId, parent);
  }

  redo(projectId: number): ProjectView {
    const view = this.view(projectId);
    const child = this.turns.lastVisitedChild(view.cursor);
    return child === undefined ? view : this.setCursor(projectId, child);
  }

  rename(turnId: number, label: string): ProjectView {
    const row = this.turnRow(turnId);
    this.turns.setLabel(turnId, label || null);
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
    const cursorDoomed = project.cursorTurnId !== null && doomed.has(project.cursorTurnId);
    this.turns.deleteBranch(turnId, cursorDoomed ? { projectId: row.project_id, turnId: row.parent_id } : undefined);
    for (const r of rows.filter((x) => doomed.has(x.id))) {
      for (const name of [r.image_file, r.thumb_file, r.mask_file]) if (name) await rm(join(this.projectDir(r.project_id), name), { force: true });
    }
    return this.view(row.project_id);
  }

  renameProject(id: number, name: string): ProjectView {
    this.project(id);
    this.projects.rename(id, name);
    return this.view(id);
  }

  async deleteProject(id: number): Promise<void> {
    this.project(id);
    this.projects.delete(id);
    if (existsSync(this.projectDir(id))) await rm(this.projectDir(id), { recursive: true, force: true });
  }

  /** Content hashes that grounded turns name (their neighbours): dropped files they need for replay. */
  referencedHashes(): string[] {
    return this.turns.groundings().flatMap(contentHashesIn);
  }

  close(): void {
    this.db.close();
  }
}
