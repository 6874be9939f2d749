import type { ProjectView } from '@contract';

/** How many variations a turn runs, and the sibling turns of the last run shown side by side until one is picked. */
export class VariationChoice {
  /** 1–4 seeds per turn (seed, seed+1, …). */
  count = $state(1);
  /** The new sibling turns in seed order, or null when there is nothing to pick from. */
  shown = $state<{ projectId: number; turns: number[] } | null>(null);

  /** Offers a finished turn's variations (a single result offers nothing). */
  offer(view: ProjectView): void {
    this.shown = view.variations && view.variations.length > 1 ? { projectId: view.id, turns: [...view.variations] } : null;
  }

  /** The turn the n-th choice (0-based) stands for, or null when there is no such choice. */
  turnAt(index: number): number | null {
    return this.shown?.turns[index] ?? null;
  }

  /** Forgets the choices once the user went elsewhere (another project, or a turn that is not one of them). */
  follow(view: ProjectView): void {
    if (this.shown && (this.shown.projectId !== view.id || !this.shown.turns.includes(view.cursor))) this.shown = null;
  }

  clear(): void {
    this.shown = null;
  }
}
