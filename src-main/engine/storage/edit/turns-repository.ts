import type { Turn } from '@contract';
import type { Db } from '../db';

/** A turn as stored (what the turn store's callers read its files and chain from). */
export interface TurnRow {
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
  /** Crop turns: the box as JSON. */
  crop: string | null;
  created_at: number;
  visited_at: number;
}

/** A new turn's row, its JSON columns already serialized. */
export type NewTurnRow = Omit<TurnRow, 'id' | 'label' | 'created_at' | 'visited_at'>;

/** Turns of edit projects (edit.db's turns table): a tree per project, never changed after they are made but for a label. */
export class TurnsRepository {
  constructor(private readonly db: Db) {}

  /** Inserts a turn and makes it its project's cursor (one transaction); returns its id. */
  insert(turn: NewTurnRow, now: number): number {
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO turns (project_id, parent_id, pipeline, instruction, typed, negative, params, model_id, provider, image_file, thumb_file, mask_file, timings, grounding, crop, created_at, visited_at)
             VALUES (@project_id, @parent_id, @pipeline, @instruction, @typed, @negative, @params, @model_id, @provider, @image_file, @thumb_file, @mask_file, @timings, @grounding, @crop, @now, @now)`,
          )
          .run({ ...turn, now }).lastInsertRowid,
      );
      this.db.prepare('UPDATE projects SET cursor_turn_id = ?, updated_at = ? WHERE id = ?').run(id, now, turn.project_id);
      return id;
    })();
  }

  get(id: number): TurnRow | undefined {
    return this.db.prepare('SELECT * FROM turns WHERE id = ?').get(id) as TurnRow | undefined;
  }

  /** A project's turns in the order they were made. */
  ofProject(projectId: number): TurnRow[] {
    return this.db.prepare('SELECT * FROM turns WHERE project_id = ? ORDER BY id').all(projectId) as TurnRow[];
  }

  /** The child of a turn visited last (redo's target). */
  lastVisitedChild(turnId: number): number | undefined {
    return this.db.prepare('SELECT id FROM turns WHERE parent_id = ? ORDER BY visited_at DESC, id DESC LIMIT 1').pluck().get(turnId) as number | undefined;
  }

  /** Shows a turn: it becomes the visited one and its project's cursor. */
  visit(projectId: number, turnId: number, now: number): void {
    this.db.prepare('UPDATE turns SET visited_at = ? WHERE id = ?').run(now, turnId);
    this.db.prepare('UPDATE projects SET cursor_turn_id = ?, updated_at = ? WHERE id = ?').run(turnId, now, projectId);
  }

  setLabel(turnId: number, label: string | null): void {
    this.db.prepare('UPDATE turns SET label = ? WHERE id = ?').run(label, turnId);
  }

  /** Deletes a turn and (by cascade) its descendants; `cursor` moves the project's cursor first (one transaction). */
  deleteBranch(turnId: number, cursor?: { projectId: number; turnId: number | null }): void {
    this.db.transaction(() => {
      if (cursor) this.db.prepare('UPDATE projects SET cursor_turn_id = ? WHERE id = ?').run(cursor.turnId, cursor.projectId);
      this.db.prepare('DELETE FROM turns WHERE id = ?').run(turnId);
    })();
  }

  /** The grounding JSON of every grounded turn. */
  groundings(): string[] {
    return this.db.prepare('SELECT grounding FROM turns WHERE grounding IS NOT NULL').pluck().all() as string[];
  }
}
