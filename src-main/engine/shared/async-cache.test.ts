import { describe, expect, it } from 'vitest';
import { AsyncCache } from './async-cache';

describe('AsyncCache', () => {
  it('shares one load between concurrent asks and keeps the value', async () => {
    const cache = new AsyncCache<number>();
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('b', load)).toBe(2);
    expect(loads).toBe(2);
    expect([...cache.entries()].map(([key]) => key)).toEqual(['a', 'b']);
  });

  it('forgets a failed load, so the next ask loads again', async () => {
    const cache = new AsyncCache<string>();
    await expect(cache.get('model', async () => Promise.reject(new Error('not installed')))).rejects.toThrow('not installed');
    await Promise.resolve();
    expect(cache.size).toBe(0);
    expect(await cache.get('model', async () => 'loaded')).toBe('loaded');
  });

  it('does not let an old failure remove a newer load of the same key', async () => {
    const cache = new AsyncCache<string>();
    let fail!: (e: Error) => void;
    const first = cache.get('k', () => new Promise<string>((_, reject) => (fail = reject)));
    cache.delete('k');
    const second = cache.get('k', async () => 'fresh');
    fail(new Error('late failure'));
    await expect(first).rejects.toThrow('late failure');
    expect(cache.size).toBe(1);
    expect(await cache.get('k', async () => 'again')).toBe('fresh');
    expect(await second).toBe('fresh');
  });
});
