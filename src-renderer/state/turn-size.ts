import { workingSize, type ProjectView } from '@contract';

/**
 * A turn's sizes: the picture it is edited at and the full resolution it exports at. Both change only at a crop turn
 * (the nearest one on its path), else they are the project's.
 */
export function turnSize(project: ProjectView, turnId: number): { working: { width: number; height: number }; full: { width: number; height: number } } {
  const byId = new Map(project.tree.map((t) => [t.id, t]));
  for (let t = byId.get(turnId); t; t = t.parentId === null ? undefined : byId.get(t.parentId)) {
    if (t.crop) return { working: workingSize(t.crop.width, t.crop.height), full: { width: t.crop.width, height: t.crop.height } };
  }
  return { working: { width: project.width, height: project.height }, full: { width: project.originalWidth, height: project.originalHeight } };
}
