import { describe, expect, it } from 'vitest';
import { AsyncCache } from './async-cache';

describe('AsyncCache', () => {
  it('loads a key once and shares the promise with later callers', async () => {
    const cache = new AsyncCache<string, number>();
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    expect(await cache.get('other', load)).toBe(2);
  });

  it('drops a failed load so the next caller tries again', async () => {
    const cache = new AsyncCache<string, string>();
    await expect(cache.get('k', () => Promise.reject(new Error('not installed')))).rejects.toThrow('not installed');
    await Promise.resolve();
    expect(cache.has('k')).toBe(false);
    expect(await cache.get('k', async () => 'loaded')).toBe('loaded');
  });

  it('does not drop a newer entry when an older, replaced load fails', async () => {
    const cache = new AsyncCache<string, string>();
    let fail!: (e: Error) => void;
    const old = cache.get('k', () => new Promise<string>((_, reject) => (fail = reject)));
    cache.delete('k');
    const fresh = cache.get('k', async () => 'fresh');
    fail(new Error('late failure'));
    await expect(old).rejects.toThrow('late failure');
    expect(cache.has('k')).toBe(true);
    expect(await fresh).toBe('fresh');
  });
});
