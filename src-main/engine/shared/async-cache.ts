/**
 * Async loads kept by key: the first caller starts the load, later callers share its promise, and a load that fails is
 * dropped so the next caller tries again (a model installed after a failed attempt then loads).
 */
export class AsyncCache<K, V> {
  private readonly pending = new Map<K, Promise<V>>();

  get(key: K, load: () => Promise<V>): Promise<V> {
    let entry = this.pending.get(key);
    if (!entry) {
      entry = load();
      this.pending.set(key, entry);
      const settled = entry;
      settled.catch(() => {
        if (this.pending.get(key) === settled) this.pending.delete(key);
      });
    }
    return entry;
  }

  has(key: K): boolean {
    return this.pending.has(key);
  }

  delete(key: K): void {
    this.pending.delete(key);
  }

  clear(): void {
    this.pending.clear();
  }

  /** The loads kept (settled or not), e.g. to release what they hold. */
  entries(): IterableIterator<[K, Promise<V>]> {
    return this.pending.entries();
  }

  get size(): number {
    return this.pending.size;
  }
}
