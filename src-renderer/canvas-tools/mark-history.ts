import type { Mark, Marks } from './marks';

export interface HistoryView {
  canUndo: boolean;
  canRedo: boolean;
  /** Whether the document has no marks now. */
  empty: boolean;
}

/**
 * The marks document and its history, in tldraw's shape: every operation (a stroke, a box, Clear) records one mark
 * in the history; undo and redo move between marks; a new operation after an undo drops the redo tail. Documents are
 * immutable arrays, so each history entry is the whole document after that operation and costs one array.
 */
export class MarkHistory {
  private entries: Marks[] = [[]];
  private at = 0;
  private readonly listeners = new Set<(marks: Marks) => void>();

  get marks(): Marks {
    return this.entries[this.at]!;
  }

  get canUndo(): boolean {
    return this.at > 0;
  }

  get canRedo(): boolean {
    return this.at < this.entries.length - 1;
  }

  get view(): HistoryView {
    return { canUndo: this.canUndo, canRedo: this.canRedo, empty: this.marks.length === 0 };
  }

  /** Adds a finished mark on top. */
  add(mark: Mark): void {
    this.commit([...this.marks, mark]);
  }

  /** Lays a mark under all others (a stored mask that arrives after the designer started drawing). */
  addBelow(mark: Mark): void {
    this.commit([mark, ...this.marks]);
  }

  /** Removes every mark, as one undoable step; nothing happens when there is nothing to clear. */
  clear(): void {
    if (this.marks.length) this.commit([]);
  }

  undo(): boolean {
    if (!this.canUndo) return false;
    this.at--;
    this.emit();
    return true;
  }

  redo(): boolean {
    if (!this.canRedo) return false;
    this.at++;
    this.emit();
    return true;
  }

  /** Called with the document after every change; returns the unsubscribe. */
  subscribe(listener: (marks: Marks) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(next: Marks): void {
    this.entries = [...this.entries.slice(0, this.at + 1), Object.freeze(next)];
    this.at = this.entries.length - 1;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.marks);
  }
}
