/**
 * A queue between a producing stage and a consuming one, holding at most `capacity` items: `push` waits while it is
 * full (so decoding never runs far ahead of inference and memory stays bounded), `take` waits for a batch. `close`
 * says no more items will come; `fail` stops both sides with an error (a cancelled job, a failed inference).
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private closed = false;
  private failure: { error: unknown } | null = null;
  /** Whoever waits for the queue to change (producers for room, the consumer for items). */
  private waiters: (() => void)[] = [];

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
  }

  get length(): number {
    return this.items.length;
  }

  /** Adds an item, waiting while the queue is full. Throws the failure if the queue failed, or if it was closed. */
  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.failure && !this.closed) await this.changed();
    if (this.failure) throw this.failure.error;
    if (this.closed) throw new Error('push after close');
    this.items.push(item);
    this.wake();
  }

  /**
   * Up to `max` items, waiting until `max` are there (or the queue is full, when `max` exceeds its capacity) or it is
   * closed; an empty array once it is closed and drained. Throws the failure if the queue failed.
   */
  async take(max: number): Promise<T[]> {
    const enough = Math.min(max, this.capacity);
    while (this.items.length < enough && !this.closed && !this.failure) await this.changed();
    if (this.failure) throw this.failure.error;
    const batch = this.items.splice(0, max);
    this.wake();
    return batch;
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  fail(error: unknown): void {
    if (!this.failure) this.failure = { error };
    this.wake();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}
