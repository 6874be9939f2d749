import { describe, expect, it } from 'vitest';
import { markdownTable, measure } from './measure';

describe('bench helpers', () => {
  it('counts iterations and orders percentiles', async () => {
    let calls = 0;
    const s = await measure('s', 'v', async () => calls++, 50, 5, 4);
    expect(calls).toBe(55);
    expect(s.itemsPerSec).toBeCloseTo(s.opsPerSec * 4, -1);
    expect(s.iterations).toBe(50);
    expect(s.p95Ms).toBeGreaterThanOrEqual(s.p50Ms);
    expect(s.opsPerSec).toBeGreaterThan(0);
  });

  it('reports each variant against its suite baseline', () => {
    const table = markdownTable([
      { suite: 'a', variant: 'base', iterations: 1, opsPerSec: 1, itemsPerSec: 4, p50Ms: 2, p95Ms: 3, meanMs: 2 },
      { suite: 'a', variant: 'slow', iterations: 1, opsPerSec: 1, itemsPerSec: 4, p50Ms: 5, p95Ms: 6, meanMs: 5 },
    ]);
    expect(table).toContain('| a | base | 1 | 1 | 4 | 2 | 3 | 1.00× |');
    expect(table).toContain('| a | slow | 1 | 1 | 4 | 5 | 6 | 2.50× |');
  });
});
