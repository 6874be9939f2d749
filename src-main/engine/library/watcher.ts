import { watch, type FSWatcher } from 'node:fs';

/**
 * Watches library folders (recursively) and calls `onChange` once things settle — a burst of copies becomes one rescan.
 * Rescanning is cheap next to indexing (unchanged files are skipped by size and time), so the watcher does not try to
 * interpret events; the rescan reconciles adds, edits, deletes and moves.
 */
export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly onChange: () => void,
    private readonly settleMs = 1500,
  ) {}

  /** Watches exactly these folders (stops watching any others). Folders that cannot be watched are skipped. */
  sync(paths: string[]): string[] {
    const problems: string[] = [];
    for (const [path, watcher] of this.watchers) {
      if (!paths.includes(path)) {
        watcher.close();
        this.watchers.delete(path);
      }
    }
    for (const path of paths) {
      if (this.watchers.has(path)) continue;
      try {
        const watcher = watch(path, { recursive: true }, () => this.poke());
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(path);
        });
        this.watchers.set(path, watcher);
      } catch (error) {
        problems.push(`${path}: ${(error as Error).message}`);
      }
    }
    return problems;
  }

  private poke(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange();
    }, this.settleMs);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
