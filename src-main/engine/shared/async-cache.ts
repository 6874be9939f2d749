/**
 * Values loaded once per key: concurrent asks for one key share one load, and a failed load is forgotten so the next
 * ask tries again (a model that was missing, then installed). Unbounded: for a few keys (models, tokenizers, spaces).
 */
export class AsyncCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  get(key: string, load: () => Promise<T>): Promise<T> {
    let pending = this.entries.get(key);
    if (!pending) {
      pending = load();
      this.entries.set(key, pending);
      const settled = pending;
      settled.catch(() => {
        if (this.entries.get(key) === settled) this.entries.delete(key);
      });
    }
    return pending;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
