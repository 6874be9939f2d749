import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue';

const tick = () => new Promise((r) => setImmediate(r));

describe('BoundedQueue', () => {
  it('makes a producer wait while the queue is full and lets it go when the consumer takes', async () => {
    const queue = new BoundedQueue<number>(2);
    await queue.push(1);
    await queue.push(2);
    let third = false;
    const pushing = queue.push(3).then(() => (third = true));
    await tick();
    expect(third).toBe(false);
    expect(queue.length).toBe(2);
    expect(await queue.take(1)).toEqual([1]);
    await pushing;
    expect(third).toBe(true);
    expect(queue.length).toBe(2);
  });

  it('hands out full batches, then the remainder once closed, then nothing', async () => {
    const queue = new BoundedQueue<number>(8);
    const taking = queue.take(3);
    for (const n of [1, 2]) await queue.push(n);
    let got: number[] | null = null;
    void taking.then((b) => (got = b));
    await tick();
    expect(got).toBeNull();
    await queue.push(3);
    expect(await taking).toEqual([1, 2, 3]);
    await queue.push(4);
    queue.close();
    expect(await queue.take(3)).toEqual([4]);
    expect(await queue.take(3)).toEqual([]);
    await expect(queue.push(5)).rejects.toThrow(/after close/);
  });

  it('stops a waiting producer and a waiting consumer with the failure', async () => {
    const full = new BoundedQueue<number>(1);
    await full.push(1);
    const producer = full.push(2);
    const empty = new BoundedQueue<number>(1);
    const consumer = empty.take(1);
    const error = new Error('inference failed');
    full.fail(error);
    empty.fail(error);
    await expect(producer).rejects.toBe(error);
    await expect(consumer).rejects.toBe(error);
  });

  it('keeps every item in order through a slow consumer', async () => {
    const queue = new BoundedQueue<number>(3);
    const produced = (async () => {
      for (let i = 0; i < 20; i++) await queue.push(i);
      queue.close();
    })();
    const seen: number[] = [];
    let most = 0;
    for (;;) {
      most = Math.max(most, queue.length);
      const batch = await queue.take(4);
      if (batch.length === 0) break;
      seen.push(...batch);
      await tick();
    }
    await produced;
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBeLessThanOrEqual(3);
  });

  it('refuses a capacity below one', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
