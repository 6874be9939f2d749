import { describe, expect, it } from 'vitest';
import { enhance, interleavedSchedule, scheduleString } from './interleaved';

const textSteps = (eta: number, steps: number) =>
  interleavedSchedule(eta, steps)
    .map((s, i) => (s === 'text' ? i : -1))
    .filter((i) => i >= 0);

describe('interleaved guidance schedule', () => {
  it('has exactly round(η·steps) text-enhanced steps', () => {
    for (const steps of [1, 2, 3, 7, 20, 50]) {
      for (const eta of [0, 0.1, 0.25, 1 / 3, 0.5, 0.6, 0.9, 1]) {
        expect(textSteps(eta, steps).length, `η=${eta} steps=${steps}`).toBe(Math.round(eta * steps));
      }
    }
  });

  it('η = 0 is all neighbour-enhanced, η = 1 all text-enhanced', () => {
    expect(scheduleString(interleavedSchedule(0, 6))).toBe('NNNNNN');
    expect(scheduleString(interleavedSchedule(1, 6))).toBe('TTTTTT');
    expect(scheduleString(interleavedSchedule(0, 1))).toBe('N');
    expect(scheduleString(interleavedSchedule(1, 1))).toBe('T');
  });

  it('spreads the text steps evenly: gaps between them differ by at most one step', () => {
    for (const steps of [10, 20, 37]) {
      for (const eta of [0.2, 0.3, 0.45, 0.5, 0.7]) {
        const at = textSteps(eta, steps);
        const gaps = at.slice(1).map((v, i) => v - at[i]!);
        expect(Math.max(...gaps) - Math.min(...gaps), `η=${eta} steps=${steps}: ${at}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('matches Bresenham counted from the last step, by hand, and alternates at η = ½', () => {
    expect(scheduleString(interleavedSchedule(0.5, 8))).toBe('TNTNTNTN');
    // k = 2 of 10, j = steps still to come: ⌊j/5⌋ steps up at j = 4 and j = 9, i.e. steps 5 and 0.
    expect(textSteps(0.2, 10)).toEqual([0, 5]);
    // k = 3 of 4: ⌊¾j⌋ = 0, 0, 1, 2, 3 for j = 0…4: steps up at j = 1, 2, 3.
    expect(scheduleString(interleavedSchedule(0.75, 4))).toBe('TTTN');
  });

  it('the last text-enhanced step only moves later as η grows, and the first step is text-enhanced whenever any is', () => {
    for (const steps of [5, 20, 33]) {
      let previous = -1;
      for (let k = 1; k <= steps; k++) {
        const at = textSteps(k / steps, steps);
        expect(at[0]).toBe(0);
        expect(at.at(-1)!, `k=${k} steps=${steps}`).toBeGreaterThanOrEqual(previous);
        previous = at.at(-1)!;
      }
    }
  });

  it('is deterministic for (η, steps)', () => {
    expect(interleavedSchedule(0.37, 23)).toEqual(interleavedSchedule(0.37, 23));
  });

  it('refuses η outside 0…1 and step counts that are not positive integers', () => {
    expect(() => interleavedSchedule(-0.1, 10)).toThrow(/η/);
    expect(() => interleavedSchedule(1.5, 10)).toThrow(/η/);
    expect(() => interleavedSchedule(Number.NaN, 10)).toThrow(/η/);
    expect(() => interleavedSchedule(0.5, 0)).toThrow(/steps/);
    expect(() => interleavedSchedule(0.5, 2.5)).toThrow(/steps/);
  });
});

describe('enhanced estimate', () => {
  it('γ·full − (γ−1)·other; γ = 1 is the full estimate', () => {
    const full = Float32Array.from([1, 2, -1]);
    const other = Float32Array.from([0, 4, -1]);
    expect([...enhance(full, other, 3)]).toEqual([3, -2, -1]);
    expect([...enhance(full, other, 1)]).toEqual([...full]);
  });
});
