import { describe, expect, it } from 'vitest';
import { MarkHistory } from './mark-history';
import type { Mark } from './marks';

const box = (x: number): Mark => ({ kind: 'box', x, y: 0, width: 10, height: 10 });

describe('MarkHistory', () => {
  it('starts as an empty document with nothing to undo, redo or clear', () => {
    const history = new MarkHistory();
    expect(history.marks).toEqual([]);
    expect(history.view).toEqual({ canUndo: false, canRedo: false, empty: true });
    expect(history.undo()).toBe(false);
    expect(history.redo()).toBe(false);
    const seen: number[] = [];
    history.subscribe((marks) => seen.push(marks.length));
    history.clear();
    expect(seen).toEqual([]);
    expect(history.canUndo).toBe(false);
  });

  it('undoes and redoes strokes one mark at a time', () => {
    const history = new MarkHistory();
    const [a, b] = [box(1), box(2)];
    history.add(a);
    history.add(b);
    expect(history.marks).toEqual([a, b]);
    expect(history.undo()).toBe(true);
    expect(history.marks).toEqual([a]);
    expect(history.view).toEqual({ canUndo: true, canRedo: true, empty: false });
    history.undo();
    expect(history.view).toEqual({ canUndo: false, canRedo: true, empty: true });
    history.redo();
    history.redo();
    expect(history.marks).toEqual([a, b]);
    expect(history.canRedo).toBe(false);
  });

  it('makes Clear one undoable step, and redo clears again', () => {
    const history = new MarkHistory();
    const [a, b] = [box(1), box(2)];
    history.add(a);
    history.add(b);
    history.clear();
    expect(history.view.empty).toBe(true);
    history.undo();
    expect(history.marks).toEqual([a, b]);
    history.redo();
    expect(history.marks).toEqual([]);
    // Undo across the clear and further back.
    history.undo();
    history.undo();
    expect(history.marks).toEqual([a]);
  });

  it('drops the redo tail when a new mark is drawn after an undo', () => {
    const history = new MarkHistory();
    const [a, b, c] = [box(1), box(2), box(3)];
    history.add(a);
    history.add(b);
    history.undo();
    history.add(c);
    expect(history.marks).toEqual([a, c]);
    expect(history.canRedo).toBe(false);
    expect(history.redo()).toBe(false);
    history.undo();
    expect(history.marks).toEqual([a]);
  });

  it('lays a stored mask under what is drawn, undoable like a stroke', () => {
    const history = new MarkHistory();
    const stroke = box(1);
    const stored: Mark = { kind: 'image', image: {}, width: 4, height: 4 };
    history.add(stroke);
    history.addBelow(stored);
    expect(history.marks).toEqual([stored, stroke]);
    history.undo();
    expect(history.marks).toEqual([stroke]);
  });

  it('tells subscribers the document after each change, never an earlier document changed in place', () => {
    const history = new MarkHistory();
    const seen: (readonly Mark[])[] = [];
    const stop = history.subscribe((marks) => seen.push(marks));
    history.add(box(1));
    history.add(box(2));
    history.undo();
    stop();
    history.redo();
    expect(seen.map((m) => m.length)).toEqual([1, 2, 1]);
    expect(seen[0]).toBe(seen[2]);
    expect(Object.isFrozen(seen[1])).toBe(true);
  });
});
