import type { DuplicateResolution, Facets, Filters, ItemDetail, ItemsUpdate, JobOf, LibraryItem, LibraryStatus, Place, ResolveDuplicatesResult, Root } from '@contract';
import type { ClipProvider } from '../clip/clip-provider';
import { checkRootAllowed, type Confinement } from '../config/confinement';
import type { JobRunner } from '../jobs/runner';
import type { Library } from '../library/library';
import type { LibraryRefresh } from './library-refresh';

export interface LibraryServiceDeps {
  library: Library;
  refresh: LibraryRefresh;
  jobs: JobRunner;
  clip: ClipProvider;
  confinement?: Confinement | undefined;
}

/** Library folders, items, tags, duplicates and indexing, as the hosts and the CLI call them. */
export class LibraryService {
  constructor(private readonly deps: LibraryServiceDeps) {}

  listRoots(): Root[] {
    return this.deps.library.listRoots();
  }

  /** Adds a library folder and indexes it: a refresh already running picks it up, or runs once more when done. */
  addRoot(path: string): { root: Root; job: JobOf<'library.refresh'> } {
    if (this.deps.confinement) checkRootAllowed(path, this.deps.confinement);
    const root = this.deps.library.addRoot(path);
    return { root, job: this.deps.refresh.soon() };
  }

  removeRoot(id: number): { removed: true } {
    this.deps.library.removeRoot(id);
    return { removed: true };
  }

  refresh(): JobOf<'library.refresh'> {
    return this.deps.refresh.start();
  }

  async status(): Promise<LibraryStatus> {
    return this.deps.library.status((await this.deps.clip.get()) !== null);
  }

  item(id: number): ItemDetail {
    return this.deps.library.item(id);
  }

  itemByPath(path: string): ItemDetail {
    return this.deps.library.itemByPath(path);
  }

  setTags(id: number, tags: string[]): ItemDetail {
    this.deps.library.setTags(id, tags);
    return this.deps.library.item(id);
  }

  view(id: number): Promise<{ url: string; width: number; height: number }> {
    return this.deps.library.view(id);
  }

  updateItems(update: ItemsUpdate): { updated: number } {
    return this.deps.library.updateItems(update);
  }

  duplicates(): LibraryItem[][] {
    return this.deps.library.duplicates();
  }

  /** Keeps one photo per group, moves the others to the system trash and drops them from the library. */
  resolveDuplicates(groups: DuplicateResolution[]): Promise<ResolveDuplicatesResult> {
    return this.deps.library.resolveDuplicates(groups);
  }

  facets(): Facets {
    return this.deps.library.facets();
  }

  /** Photos with GPS coordinates (matching the filters), for the map. */
  places(filters: Filters): Place[] {
    return this.deps.library.places(filters);
  }

  /** Finds near-duplicate photos (CLIP vectors closer than a threshold) as a pausable job. */
  nearDuplicates(): JobOf<'library.near-duplicates'> {
    return this.deps.jobs.submit({ kind: 'library.near-duplicates', label: 'Finding near-duplicates', unit: 'photos', pausable: true }, (ctx) =>
      this.deps.library.nearDuplicates(ctx),
    );
  }

  /** Checks the vector index against the database now; says what it found or repaired. */
  verify(): Promise<string> {
    return this.deps.library.verify();
  }

  /**
   * Checks the library's vector index against the database in the background (hosts call this at startup), so a stale or
   * damaged index is repaired before anyone searches; the outcome shows in library.status.
   */
  verifyInBackground(log: (line: string) => void): void {
    this.deps.library.verify().then(
      (report) => log(`Vector index: ${report}`),
      (error: Error) => log(`Vector index check failed: ${error.message}`),
    );
  }

  /** For long-running hosts: index what changed while closed, then watch the folders. */
  keepInSync(): void {
    this.deps.refresh.keepInSync();
  }
}
