import { describe, expect, it } from 'vitest';
import { centredBox, draggedBox, movedBox } from './crop-box';

const picture = { width: 800, height: 400 };
const pixels = (b: { width: number; height: number }) => (b.width * picture.width) / (b.height * picture.height);

describe('crop box geometry', () => {
  it('centres the largest box of an aspect, or takes the whole picture when free', () => {
    expect(centredBox(null, picture)).toEqual({ x: 0, y: 0, width: 1, height: 1 });
    const square = centredBox(1, picture);
    expect(square).toEqual({ x: 0.25, y: 0, width: 0.5, height: 1 });
    expect(pixels(centredBox(16 / 9, picture))).toBeCloseTo(16 / 9);
  });

  it('drags a free box either way, and keeps an aspect inside the picture', () => {
    const free = draggedBox({ x: 0.5, y: 0.5 }, { x: 0.2, y: 0.1 }, null, picture);
    [free.x, free.y, free.width, free.height].forEach((v, i) => expect(v).toBeCloseTo([0.2, 0.1, 0.3, 0.4][i]!));
    const square = draggedBox({ x: 0.1, y: 0.1 }, { x: 0.9, y: 0.2 }, 1, picture);
    expect(pixels(square)).toBeCloseTo(1);
    expect(square.y + square.height).toBeLessThanOrEqual(1);
    expect(square.x + square.width).toBeLessThanOrEqual(1);
    expect(draggedBox({ x: 0, y: 0 }, { x: 2, y: -1 }, null, picture)).toEqual({ x: 0, y: 0, width: 1, height: 0 });
  });

  it('moves a box without leaving the picture', () => {
    expect(movedBox({ x: 0.1, y: 0.1, width: 0.5, height: 0.5 }, 0.9, -0.9)).toEqual({ x: 0.5, y: 0, width: 0.5, height: 0.5 });
  });
});
