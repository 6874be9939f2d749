import { CropBoxSchema, turnFileUrl, TurnGroundingSchema, TurnParamsSchema, type ProjectSummary, type ProjectView, type Turn } from '@contract';
import type { StoredProject } from '../storage/edit/projects-repository';
import type { TurnRow } from '../storage/edit/turns-repository';

/** A stored turn as the contract shows it (pictures as /turns/<project>/<file> URLs). */
export function toTurn(row: TurnRow): Turn {
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
    crop: row.crop ? CropBoxSchema.parse(JSON.parse(row.crop)) : null,
    createdAt: row.created_at,
  };
}

/** A project in the projects list: its current turn's thumbnail (the first turn's before any cursor). */
export function projectSummary(project: StoredProject, rows: TurnRow[]): ProjectSummary {
  const current = rows.find((r) => r.id === project.cursorTurnId) ?? rows[0]!;
  return { id: project.id, name: project.name, width: project.width, height: project.height, turns: rows.length, thumb: toTurn(current).thumb, updatedAt: project.updatedAt };
}

/** A project with its whole turn tree, the cursor, and whether undo and redo can move it; null when it has no turns. */
export function projectView(project: StoredProject, rows: TurnRow[]): ProjectView | null {
  const cursor = project.cursorTurnId ?? rows[0]?.id;
  if (cursor === undefined) return null;
  const current = rows.find((r) => r.id === cursor)!;
  return {
    ...projectSummary(project, rows),
    kind: project.kind,
    originalWidth: project.originalWidth ?? project.width,
    originalHeight: project.originalHeight ?? project.height,
    tree: rows.map(toTurn),
    cursor,
    canUndo: current.parent_id !== null,
    canRedo: rows.some((r) => r.parent_id === cursor),
  };
}
