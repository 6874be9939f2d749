import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('computes once per key, evicts the least recently used, and forgets failures', async () => {
    const cache = new LruCache<number>(2);
    let made = 0;
    const make = (v: number) => async () => {
      made++;
      return v;
    };
    expect(await Promise.all([cache.get('a', make(1)), cache.get('a', make(99))])).toEqual([1, 1]);
    await cache.get('b', make(2));
    await cache.get('a', make(99)); // touch a: b is now the oldest
    await cache.get('c', make(3));
    expect(made).toBe(3);
    expect(await cache.get('a', make(99))).toBe(1);
    expect(await cache.get('b', make(20))).toBe(20);
    await expect(cache.get('x', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.get('x', make(5))).toBe(5);
  });
});
