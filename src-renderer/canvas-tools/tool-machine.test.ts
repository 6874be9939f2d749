import { describe, expect, it } from 'vitest';
import { MarkHistory } from './mark-history';
import { ToolMachine, type DrawTool } from './tool-machine';

function setup(tool: DrawTool, size = 24, hardness = 1) {
  const history = new MarkHistory();
  const machine = new ToolMachine(history);
  Object.assign(machine, { tool, size, hardness });
  return { history, machine };
}

describe('ToolMachine', () => {
  it('goes idle → pointing → drawing → idle and commits one stroke with its size, hardness and path', () => {
    const { history, machine } = setup('brush', 12, 0.5);
    expect(machine.state).toBe('idle');
    machine.pointerDown({ x: 10, y: 10 });
    expect(machine.state).toBe('pointing');
    expect(machine.draft).toMatchObject({ kind: 'stroke', mode: 'paint' });
    machine.pointerMove({ x: 11, y: 10 });
    expect(machine.state).toBe('pointing');
    machine.pointerMove({ x: 20, y: 15 });
    machine.pointerMove({ x: 30, y: 20 });
    expect(machine.state).toBe('drawing');
    expect(history.marks).toEqual([]);
    machine.pointerUp();
    expect(machine.state).toBe('idle');
    expect(machine.draft).toBeNull();
    expect(history.marks).toEqual([{ kind: 'stroke', mode: 'paint', size: 12, hardness: 0.5, points: [10, 10, 10.01, 10, 20, 15, 30, 20] }]);
  });

  it('leaves a dot for a click with the brush', () => {
    const { history, machine } = setup('brush');
    machine.pointerDown({ x: 5, y: 6 });
    machine.pointerUp();
    expect(history.marks).toHaveLength(1);
    expect(history.marks[0]).toMatchObject({ kind: 'stroke', points: [5, 6, 5.01, 6] });
  });

  it('erases with an erase stroke on top of what is painted', () => {
    const { history, machine } = setup('brush');
    machine.pointerDown({ x: 0, y: 0 });
    machine.pointerMove({ x: 50, y: 0 });
    machine.pointerUp();
    machine.tool = 'eraser';
    machine.pointerDown({ x: 25, y: -5 });
    machine.pointerMove({ x: 25, y: 5 });
    machine.pointerUp();
    expect(history.marks.map((m) => (m.kind === 'stroke' ? m.mode : m.kind))).toEqual(['paint', 'erase']);
  });

  it('draws a box between the press and the release, whichever way it is dragged', () => {
    const { history, machine } = setup('box');
    machine.pointerDown({ x: 40, y: 30 });
    expect(machine.draft).toBeNull();
    machine.pointerMove({ x: 20, y: 10 });
    expect(machine.draft).toEqual({ kind: 'box', x: 20, y: 10, width: 20, height: 20 });
    machine.pointerMove({ x: 10, y: 50 });
    machine.pointerUp();
    expect(history.marks).toEqual([{ kind: 'box', x: 10, y: 30, width: 30, height: 20 }]);
  });

  it('a click with the box or lasso marks nothing and adds no history step', () => {
    for (const tool of ['box', 'lasso'] as const) {
      const { history, machine } = setup(tool);
      machine.pointerDown({ x: 4, y: 4 });
      machine.pointerMove({ x: 5, y: 4 });
      machine.pointerUp();
      expect(history.view).toEqual({ canUndo: false, canRedo: false, empty: true });
    }
  });

  it('a box dragged along a straight line has no area and adds nothing', () => {
    const { history, machine } = setup('box');
    machine.pointerDown({ x: 0, y: 5 });
    machine.pointerMove({ x: 40, y: 5 });
    expect(machine.state).toBe('drawing');
    machine.pointerUp();
    expect(history.canUndo).toBe(false);
  });

  it('closes a lasso along the path it was dragged', () => {
    const { history, machine } = setup('lasso');
    machine.pointerDown({ x: 0, y: 0 });
    machine.pointerMove({ x: 10, y: 0 });
    machine.pointerMove({ x: 10, y: 10 });
    machine.pointerUp();
    expect(history.marks).toEqual([{ kind: 'lasso', points: [0, 0, 10, 0, 10, 10] }]);
  });

  it('drops the gesture on pointer cancel: nothing reaches the document, the next gesture starts clean', () => {
    const { history, machine } = setup('brush');
    machine.pointerDown({ x: 0, y: 0 });
    machine.pointerMove({ x: 30, y: 30 });
    machine.pointerCancel();
    expect(machine.state).toBe('idle');
    expect(machine.draft).toBeNull();
    machine.pointerUp();
    machine.pointerMove({ x: 40, y: 40 });
    expect(history.view.empty).toBe(true);
    expect(history.canUndo).toBe(false);
    machine.pointerDown({ x: 1, y: 1 });
    machine.pointerUp();
    expect(history.marks).toHaveLength(1);
  });

  it('a stroke after an undo drops the redo tail; Clear in between is undone like a stroke', () => {
    const { history, machine } = setup('box');
    const drag = (x: number) => {
      machine.pointerDown({ x, y: 0 });
      machine.pointerMove({ x: x + 10, y: 10 });
      machine.pointerUp();
    };
    drag(0);
    drag(100);
    history.clear();
    history.undo();
    expect(history.marks).toHaveLength(2);
    history.undo();
    drag(200);
    expect(history.marks.map((m) => (m.kind === 'box' ? m.x : -1))).toEqual([0, 200]);
    expect(history.canRedo).toBe(false);
  });

  it('keeps the size and tool of the press for the whole gesture', () => {
    const { history, machine } = setup('brush', 8);
    machine.pointerDown({ x: 0, y: 0 });
    machine.size = 80;
    machine.tool = 'eraser';
    machine.pointerMove({ x: 20, y: 0 });
    machine.pointerUp();
    expect(history.marks[0]).toMatchObject({ mode: 'paint', size: 8 });
  });
});
