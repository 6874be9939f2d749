import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  it('has no rate until time has passed between samples', () => {
    const meter = new RateMeter();
    expect(meter.rate()).toBeNull();
    meter.add(1000, 0);
    expect(meter.rate()).toBeNull();
    expect(meter.eta(0, 10)).toBeNull();
  });

  it('computes units per second and the ETA from it', () => {
    const meter = new RateMeter();
    meter.add(0, 0);
    meter.add(2000, 10);
    expect(meter.rate()).toBe(5);
    expect(meter.eta(10, 40)).toBe(6);
    expect(meter.eta(40, 40)).toBe(0);
    expect(meter.eta(10, null)).toBeNull();
  });

  it('follows the recent speed, not the average since the start', () => {
    const meter = new RateMeter(5000);
    meter.add(0, 0);
    meter.add(1000, 100); // fast start: 100/s
    for (let t = 2000; t <= 20_000; t += 1000) meter.add(t, 100 + (t - 1000) / 1000); // then 1/s
    expect(meter.rate()).toBeCloseTo(1, 5);
  });

  it('reports a stalled job as unknown ETA rather than infinity', () => {
    const meter = new RateMeter();
    meter.add(0, 5);
    meter.add(1000, 5);
    expect(meter.rate()).toBe(0);
    expect(meter.eta(5, 10)).toBeNull();
  });
});
