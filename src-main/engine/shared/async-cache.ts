/**
 * Values loaded once per key: concurrent asks for one key share one load, and a failed load is forgotten so the next
 * ask tries again (a model that was missing, then installed). Unbounded: for a few keys (models, tokenizers, spaces).
 */
export class AsyncCache<T> {
  private readonly loads = new Map<string, Promise<T>>();

  get(key: string, load: () => Promise<T>): Promise<T> {
    let pending = this.loads.get(key);
    if (!pending) {
      pending = load();
      this.loads.set(key, pending);
      const settled = pending;
      settled.catch(() => {
        if (this.loads.get(key) === settled) this.loads.delete(key);
      });
    }
    return pending;
  }

  /** The loads held now, settled or not. */
  entries(): IterableIterator<[string, Promise<T>]> {
    return this.loads.entries();
  }

  delete(key: string): void {
    this.loads.delete(key);
  }

  get size(): number {
    return this.loads.size;
  }
}
