import { describe, expect, it } from 'vitest';
import { shapeMoments } from './shapes';

describe('shape moments', () => {
  it('match the closed forms for a disc and a square', () => {
    const disc = shapeMoments('circle');
    expect(disc.rho).toBeCloseTo(2 / 3, 2);
    expect(disc.nsm).toBeCloseTo(1 / (2 * Math.PI), 3);
    const square = shapeMoments('square');
    expect(square.rho).toBeCloseTo(1, 2);
    expect(square.nsm).toBeCloseTo(1 / 6, 3);
  });

  it('set the triangle apart from both', () => {
    const t = shapeMoments('triangle');
    // Equilateral triangle: normalized second moment √3/9 ≈ 0.19245.
    expect(t.nsm).toBeCloseTo(Math.sqrt(3) / 9, 3);
    expect(Math.abs(t.rho - 2 / 3)).toBeGreaterThan(0.05);
  });
});
