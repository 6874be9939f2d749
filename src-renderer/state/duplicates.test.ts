import type { LibraryItem } from '@contract';
import { describe, expect, it } from 'vitest';
import { keepFirstOfEach, keepOne, outcomeLine, withoutTrashed } from './duplicates';

const item = (id: number): LibraryItem => ({ id, path: `/p/${id}.png`, name: `${id}.png` }) as LibraryItem;

describe('duplicate plans', () => {
  it('keep this one: the others of the group go', () => {
    const plan = keepOne([item(1), item(2), item(3)], 2);
    expect(plan.groups).toEqual([{ keep: 2, trash: [1, 3] }]);
    expect(plan.files.map((f) => f.id)).toEqual([1, 3]);
  });

  it('keep the first of every group; a photo kept in one near-duplicate group is kept in the next too', () => {
    const plan = keepFirstOfEach([[item(1), item(2)], [item(3), item(4), item(5)], [item(1), item(6)], [item(2), item(7)]]);
    // The last group's 2 already goes with the first group, so 7 is the only one left there: nothing to move.
    expect(plan.groups).toEqual([
      { keep: 1, trash: [2] },
      { keep: 3, trash: [4, 5] },
      { keep: 1, trash: [6] },
    ]);
    expect(plan.files.map((f) => f.id)).toEqual([2, 4, 5, 6]);
  });

  it('drops trashed photos from the groups shown, and groups left with one photo', () => {
    expect(withoutTrashed([[item(1), item(2)], [item(3), item(4), item(5)]], new Set([2, 4])).map((g) => g.map((i) => i.id))).toEqual([[3, 5]]);
  });

  it('says what was moved and what was not', () => {
    expect(outcomeLine({ trashed: [{ id: 1, path: '/a' }], failed: [] })).toBe('1 file moved to the trash');
    expect(outcomeLine({ trashed: [], failed: [{ id: 1, path: '/a', reason: 'gone' }] })).toBe('0 files moved to the trash · 1 could not be moved');
  });
});
