import type Konva from 'konva';
import { KonvaMarks } from './konva-marks';
import { MarkHistory, type HistoryView } from './mark-history';
import type { Marks, Point } from './marks';
import { ToolMachine, type DrawTool } from './tool-machine';

export interface ToolSettings {
  tool: DrawTool;
  size: number;
  hardness: number;
}

/**
 * The shared canvas tools on a Konva stage, as both mask canvases use them: the stage's pointer events drive the tool
 * machine, the history holds the document, and a layer shows it (plus the draft while drawing). The canvas is told
 * after every change of the document, to export its mask.
 */
export class StageTools {
  readonly history = new MarkHistory();
  private readonly machine = new ToolMachine(this.history);
  /** Shows the document and the draft on the attached layer. */
  private redraw: () => void = () => {};

  constructor(onchange: (marks: Marks, view: HistoryView) => void) {
    this.history.subscribe((marks) => {
      this.redraw();
      onchange(marks, this.history.view);
    });
  }

  /**
   * Draws on `layer`: `at` reads the pointer in the document's coordinates; `settings` says what a press does now, or
   * null when a press is not for drawing (panning).
   */
  attach(stage: Konva.Stage, layer: Konva.Layer, at: () => Point | null, settings: () => ToolSettings | null): void {
    this.machine.pointerCancel();
    const shown = new KonvaMarks(layer);
    const redraw = () => shown.show(this.history.marks, this.machine.draft);
    this.redraw = redraw;
    redraw();
    stage.on('pointerdown', () => {
      const chosen = settings();
      const p = chosen && at();
      if (!chosen || !p) return;
      Object.assign(this.machine, chosen);
      this.machine.pointerDown(p);
      redraw();
    });
    stage.on('pointermove', () => {
      const p = this.machine.state === 'idle' ? null : at();
      if (!p) return;
      this.machine.pointerMove(p);
      redraw();
    });
    stage.on('pointerup pointerleave', () => this.machine.pointerUp());
    stage.on('pointercancel', () => {
      this.machine.pointerCancel();
      redraw();
    });
  }

  /** Undo, redo and clear drop a gesture in progress first (arrow fields, so a canvas can hand them out as they are). */
  readonly undo = (): void => {
    this.dropGesture();
    this.history.undo();
  };

  readonly redo = (): void => {
    this.dropGesture();
    this.history.redo();
  };

  readonly clear = (): void => {
    this.dropGesture();
    this.history.clear();
  };

  private dropGesture(): void {
    if (this.machine.state === 'idle') return;
    this.machine.pointerCancel();
    this.redraw();
  }
}
