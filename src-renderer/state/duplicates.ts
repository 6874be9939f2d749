import type { DuplicateResolution, LibraryItem, ResolveDuplicatesResult } from '@contract';

/** A pending "move to trash" the user still has to confirm: what stays, and every file that would go. */
export interface TrashPlan {
  groups: DuplicateResolution[];
  /** The files that would go to the trash, in group order (shown in the confirm dialog). */
  files: LibraryItem[];
}

/** Keep `keepId` of its group; the others go. */
export function keepOne(group: readonly LibraryItem[], keepId: number): TrashPlan {
  const others = group.filter((item) => item.id !== keepId);
  return { groups: [{ keep: keepId, trash: others.map((i) => i.id) }], files: others };
}

/** Keep the first photo of every group (groups come in path order); a photo already planned to go is never kept. */
export function keepFirstOfEach(groups: readonly (readonly LibraryItem[])[]): TrashPlan {
  const plan: TrashPlan = { groups: [], files: [] };
  const going = new Set<number>();
  const kept = new Set<number>();
  for (const group of groups) {
    const left = group.filter((i) => !going.has(i.id));
    const keep = left.find((i) => kept.has(i.id)) ?? left[0];
    if (!keep) continue;
    const others = left.filter((i) => i.id !== keep.id && !kept.has(i.id));
    if (others.length === 0) continue;
    kept.add(keep.id);
    for (const item of others) going.add(item.id);
    plan.groups.push({ keep: keep.id, trash: others.map((i) => i.id) });
    plan.files.push(...others);
  }
  return plan;
}

/** Groups without the photos already moved to the trash; a group left with one photo is no longer a group. */
export function withoutTrashed(groups: readonly LibraryItem[][], trashed: ReadonlySet<number>): LibraryItem[][] {
  return groups.map((g) => g.filter((i) => !trashed.has(i.id))).filter((g) => g.length > 1);
}

/** One line saying what happened, e.g. "2 files moved to the trash · 1 could not be moved". */
export function outcomeLine(result: ResolveDuplicatesResult): string {
  const parts = [`${result.trashed.length} ${result.trashed.length === 1 ? 'file' : 'files'} moved to the trash`];
  if (result.failed.length) parts.push(`${result.failed.length} could not be moved`);
  return parts.join(' · ');
}
