import { describe, expect, it } from 'vitest';
import { layoutHistory } from './history-graph';

const n = (id: number, parentId: number | null) => ({ id, parentId });

describe('the history graph', () => {
  it('a straight chain is one lane, one row per turn, however long', () => {
    const { rows, lanes } = layoutHistory([n(1, null), n(2, 1), n(3, 2), n(4, 3), n(5, 4), n(6, 5)]);
    expect(lanes).toBe(1);
    expect(rows.map((r) => r.lane)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(rows[0]).toMatchObject({ up: [], down: [0], branches: [] });
    expect(rows[2]).toMatchObject({ up: [0], down: [0], branches: [] });
    expect(rows[5]).toMatchObject({ up: [0], down: [] });
  });

  it('a branch opens a lane from its parent, drawn past the first branch’s rows', () => {
    // 1 ─ 2 ─ 3
    //  └─ 4 ─ 5
    const { rows, lanes } = layoutHistory([n(1, null), n(2, 1), n(3, 2), n(4, 1), n(5, 4)]);
    expect(lanes).toBe(2);
    expect(rows.map((r) => [r.node.id, r.lane])).toEqual([[1, 0], [2, 0], [3, 0], [4, 1], [5, 1]]);
    expect(rows[0]).toMatchObject({ up: [], down: [0], branches: [1] });
    expect(rows[1]).toMatchObject({ up: [0, 1], down: [0, 1] });
    // The first branch ends at 3; lane 1 passes by it on the way to 4.
    expect(rows[2]).toMatchObject({ up: [0, 1], down: [1] });
    expect(rows[3]).toMatchObject({ up: [1], down: [1] });
    expect(rows[4]).toMatchObject({ up: [1], down: [] });
  });
});
