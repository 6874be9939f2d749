import type { JobOf } from '@contract';
import type { JobRunner } from '../jobs/runner';
import type { Library } from '../library/library';
import { FolderWatcher } from '../library/watcher';

/** The job key under which the library refresh runs (at most one at a time). */
export const REFRESH_KEY = 'library.refresh';

/**
 * Runs the library refresh as a job, at most one at a time: for adding a folder, the watcher, saving a turn to the
 * library, a model switch and a finished CLIP download.
 */
export class LibraryRefresh {
  private watcher: FolderWatcher | null = null;
  /** A change seen while a refresh runs: refresh once more when it ends. */
  private again = false;

  constructor(
    private readonly library: Library,
    private readonly jobs: JobRunner,
  ) {}

  /** Rescans and indexes the library as a job; asking again while one runs returns it. */
  start(): JobOf<'library.refresh'> {
    const { job, created } = this.jobs.submitOnce(
      REFRESH_KEY,
      { kind: 'library.refresh', label: 'Indexing the library', unit: 'images', pausable: true },
      (ctx) => this.library.refresh(ctx),
    );
    if (!created) return job;
    void this.jobs.settled(job.id).then(() => {
      this.watcher?.sync(this.library.listRoots().map((r) => r.path));
      if (this.again) {
        this.again = false;
        this.start();
      }
    });
    return job;
  }

  /**
   * Indexes what changed on disk: starts a refresh, or, when one is running (it may have listed the folders already),
   * has it run once more when done. Returns the refresh job.
   */
  soon(): JobOf<'library.refresh'> {
    if (this.jobs.unfinished(REFRESH_KEY)) this.again = true;
    return this.start();
  }

  /** Refreshes when the library has folders (after a model switch or download); the job, or null when there is nothing to index. */
  ifAnyFolders(): JobOf<'library.refresh'> | null {
    return this.library.listRoots().length ? this.start() : null;
  }

  /**
   * For long-running hosts: reconcile the library with the disk now (changes made while the studio was closed), then
   * keep watching its folders and rescan shortly after anything changes.
   */
  keepInSync(): void {
    this.watcher ??= new FolderWatcher(() => this.soon());
    const roots = this.library.listRoots();
    this.watcher.sync(roots.map((r) => r.path));
    if (roots.length) this.start();
  }

  close(): void {
    this.watcher?.close();
  }
}
