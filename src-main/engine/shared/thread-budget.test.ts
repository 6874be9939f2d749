import { describe, expect, it } from 'vitest';
import { threadBudget } from './thread-budget';

describe('threadBudget', () => {
  it('gives inference every core without spinning and libvips one thread per decode', () => {
    for (const cores of [1, 2, 4, 16]) {
      const budget = threadBudget(cores);
      expect(budget.inference).toBe(cores);
      expect(budget.spinning).toBe(false);
      expect(budget.vipsThreads).toBe(1);
    }
  });

  it('keeps at least two decodes in flight (one decoding while the other waits on I/O) and at most four', () => {
    expect(threadBudget(1).decodeLanes).toBe(2);
    expect(threadBudget(2).decodeLanes).toBe(2);
    expect(threadBudget(6).decodeLanes).toBe(3);
    expect(threadBudget(64).decodeLanes).toBe(4);
  });

  it('treats a nonsensical core count as one core', () => {
    expect(threadBudget(0).inference).toBe(1);
    expect(threadBudget(Number.NaN).inference).toBe(1);
  });
});
