import type { MarkHistory } from './mark-history';
import type { BoxMark, LassoMark, Mark, Point, StrokeMark } from './marks';

export type DrawTool = 'brush' | 'eraser' | 'box' | 'lasso';
export type ToolState = 'idle' | 'pointing' | 'drawing';

/** A move shorter than this (in canvas units) after pointer down is still a click, not a drag. */
const DRAG_DISTANCE = 2;

/**
 * What a pointer does with the current tool: idle → pointing (down) → drawing (moved past a click) → idle (up, which
 * commits the draft to the history, or cancel, which drops it). A click with the brush or eraser leaves a dot; a
 * click with the box or lasso leaves nothing. The draft is the mark in progress, for the renderer to show.
 */
export class ToolMachine {
  tool: DrawTool = 'brush';
  size = 24;
  hardness = 1;
  private current: ToolState = 'idle';
  private origin: Point = { x: 0, y: 0 };
  private drafted: Mark | null = null;

  constructor(private readonly history: MarkHistory) {}

  get state(): ToolState {
    return this.current;
  }

  /** The mark being drawn, or null; mutated while the pointer moves, committed as is on pointer up. */
  get draft(): Mark | null {
    return this.drafted;
  }

  pointerDown(p: Point): void {
    if (this.current !== 'idle') this.pointerCancel();
    this.current = 'pointing';
    this.origin = p;
    this.drafted = this.tool === 'brush' || this.tool === 'eraser' ? this.startStroke(p) : null;
  }

  pointerMove(p: Point): void {
    if (this.current === 'idle') return;
    if (this.current === 'pointing') {
      if (Math.hypot(p.x - this.origin.x, p.y - this.origin.y) < DRAG_DISTANCE) return;
      this.current = 'drawing';
      if (this.tool === 'box') this.drafted = { kind: 'box', x: this.origin.x, y: this.origin.y, width: 0, height: 0 };
      if (this.tool === 'lasso') this.drafted = { kind: 'lasso', points: [this.origin.x, this.origin.y] };
    }
    const draft = this.drafted;
    if (!draft) return;
    if (draft.kind === 'box') Object.assign(draft, boxBetween(this.origin, p));
    else if (draft.kind === 'stroke' || draft.kind === 'lasso') extend(draft, p);
  }

  /** Finishes the gesture: the draft becomes one step in the history (if it marks anything). */
  pointerUp(): void {
    if (this.current === 'idle') return;
    const draft = this.drafted;
    this.reset();
    if (draft && marksSomething(draft)) this.history.add(draft);
  }

  /** Drops the gesture (the pointer was taken away, or Escape): nothing reaches the history. */
  pointerCancel(): void {
    this.reset();
  }

  private startStroke(p: Point): StrokeMark {
    // A second point a hair away, so a click draws a round dot.
    return { kind: 'stroke', mode: this.tool === 'eraser' ? 'erase' : 'paint', points: [p.x, p.y, p.x + 0.01, p.y], size: this.size, hardness: this.hardness };
  }

  private reset(): void {
    this.current = 'idle';
    this.drafted = null;
  }
}

function boxBetween(a: Point, b: Point): Omit<BoxMark, 'kind'> {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(b.x - a.x), height: Math.abs(b.y - a.y) };
}

function extend(mark: StrokeMark | LassoMark, p: Point): void {
  mark.points.push(p.x, p.y);
}

function marksSomething(mark: Mark): boolean {
  if (mark.kind === 'box') return mark.width > 0 && mark.height > 0;
  if (mark.kind === 'lasso') return mark.points.length >= 6;
  return true;
}
