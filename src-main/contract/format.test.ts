import { describe, expect, it } from 'vitest';
import { formatAmount, formatDuration } from './format';

describe('format', () => {
  it('formats durations', () => {
    expect(formatDuration(null)).toBe('--:--');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--:--');
    expect(formatDuration(5)).toBe('00:05');
    expect(formatDuration(125.4)).toBe('02:05');
    expect(formatDuration(3 * 3600 + 61)).toBe('3:01:01');
  });

  it('formats amounts', () => {
    expect(formatAmount(12)).toBe('12');
    expect(formatAmount(12.345)).toBe('12.3');
  });
});
