import { describe, expect, it } from 'vitest';
import { formatAmount, formatBytes, formatDuration, formatIndexedFrom } from './format';

describe('format', () => {
  it('formats durations', () => {
    expect(formatDuration(null)).toBe('--:--');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--:--');
    expect(formatDuration(5)).toBe('00:05');
    expect(formatDuration(125.4)).toBe('02:05');
    expect(formatDuration(3 * 3600 + 61)).toBe('3:01:01');
  });

  it('formats sizes', () => {
    expect(formatBytes(1.7e9)).toBe('1.7 GB');
    expect(formatBytes(608_200_000)).toBe('608 MB');
    expect(formatBytes(2_400_000)).toBe('2.4 MB');
    expect(formatBytes(4_100)).toBe('4 KB');
    expect(formatBytes(12)).toBe('1 KB');
  });

  it('formats amounts', () => {
    expect(formatAmount(12)).toBe('12');
    expect(formatAmount(12.345)).toBe('12.3');
  });

  it('says when a photo was indexed from its embedded preview, and nothing after a full decode', () => {
    expect(formatIndexedFrom({ width: 1620, height: 1080 })).toBe('Indexed from the camera’s embedded 1620\u00a0×\u00a01080 preview');
    expect(formatIndexedFrom(null)).toBeNull();
  });
});
