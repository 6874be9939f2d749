/**
 * A small least-recently-used cache of pending values: concurrent asks for one key share one computation, and a failed
 * computation is forgotten so the next ask tries again.
 */
export class LruCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly capacity: number) {}

  /** The cached value, or `make()`'s; `onMiss` runs when it had to be made. */
  get(key: string, make: () => Promise<T>, onMiss?: () => void): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    onMiss?.();
    const pending = make();
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return pending;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
