import { describe, expect, it } from 'vitest';
import type { ProjectView, Turn } from '@contract';
import { turnSize } from './turn-size';

const turn = (id: number, parentId: number | null, crop: Turn['crop'] = null) => ({ id, parentId, crop }) as Turn;

describe('a turn’s sizes', () => {
  it('are the project’s until a crop on the path; from a crop on, its full size and working size', () => {
    const project = {
      width: 768,
      height: 512,
      originalWidth: 3000,
      originalHeight: 2000,
      tree: [turn(1, null), turn(2, 1), turn(3, 2, { left: 0, top: 0, width: 1000, height: 1000, of: { width: 3000, height: 2000 } }), turn(4, 3), turn(5, 2)],
    } as ProjectView;
    expect(turnSize(project, 2)).toEqual({ working: { width: 768, height: 512 }, full: { width: 3000, height: 2000 } });
    expect(turnSize(project, 4)).toEqual({ working: { width: 768, height: 768 }, full: { width: 1000, height: 1000 } });
    // A sibling branch without the crop keeps the project's sizes.
    expect(turnSize(project, 5).full).toEqual({ width: 3000, height: 2000 });
  });
});
