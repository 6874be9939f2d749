import { AppError, isFinished, type DuplicateResolution, type Facets, type Filters, type ItemDetail, type LibraryItem, type LibraryStatus, type ResolveDuplicatesResult, type Root, type SearchResult, explainError, type Problem } from '@contract';
import type { StudioClient } from '../api/client';
import { checkDroppedImage } from '../api/dropped-image';
import type { JobsState } from './jobs.svelte';

const PAGE = 120;

/** The Library area: folders, index status, the current query and its results (paged), and the selected item. */
export class LibraryState {
  roots = $state<Root[]>([]);
  status = $state<LibraryStatus | null>(null);
  query = $state('');
  /** "More like this" item, when that is the query. */
  likeId = $state<number | null>(null);
  /** A dropped picture, when that is the query. */
  upload = $state<{ id: string; name: string } | null>(null);
  /** Active filters (folder, camera, format, dates, orientation). */
  filters = $state<Filters>({});
  facets = $state<Facets | null>(null);
  /** What the main area shows: photos, or groups of identical files. */
  view = $state<'photos' | 'duplicates'>('photos');
  duplicates = $state<LibraryItem[][]>([]);
  /** The running or last near-duplicate search (a job); its result holds the groups. */
  nearJobId = $state<string | null>(null);
  items = $state<LibraryItem[]>([]);
  mode = $state<SearchResult['mode']>('list');
  note = $state<string | null>(null);
  /** Photos the relevance cut-off left out, and whether nothing stood out for the words. */
  hidden = $state(0);
  noGoodMatch = $state(false);
  exhausted = $state(false);
  loading = $state(false);
  selected = $state<ItemDetail | null>(null);
  /** Photos picked together (Ctrl/⌘-click, Shift-click) for rating, flagging and tagging at once. */
  selection = $state<number[]>([]);
  /** Recent searches, newest first (kept in this browser). */
  history = $state<string[]>(readHistory());

  /** Whether this browser has searched the library once (the first-run checklist's last step). */
  searched = $state(globalThis.localStorage?.getItem('studio.library.searched') === '1');

  /** File names under the thumbnails. */
  #showNames = $state(globalThis.localStorage?.getItem('studio.library.names') === '1');

  get showNames(): boolean {
    return this.#showNames;
  }

  set showNames(value: boolean) {
    this.#showNames = value;
    globalThis.localStorage?.setItem('studio.library.names', value ? '1' : '0');
  }

  /** The photo open in the full-size viewer, or null. */
  viewing = $state<number | null>(null);
  /** The order of the results ('' = relevance for searches, date taken for listings). */
  sort = $state<'' | 'relevance' | 'taken' | 'name' | 'added'>('');
  error = $state<Problem | null>(null);
  /** The grid's thumbnail size in px (kept across sessions). */
  #thumbSize = $state(Number(globalThis.localStorage?.getItem('studio.library.thumbSize')) || 172);
  private generation = 0;

  get thumbSize(): number {
    return this.#thumbSize;
  }

  set thumbSize(value: number) {
    this.#thumbSize = value;
    globalThis.localStorage?.setItem('studio.library.thumbSize', String(value));
  }

  constructor(
    readonly client: StudioClient,
    private readonly jobs: JobsState,
  ) {
    client.on('job.progress', (job) => {
      if (job.kind === 'library.refresh' && isFinished(job.state)) void this.reload();
    });
    client.onStatus((s) => {
      if (s === 'open') void this.reload();
    });
  }

  get indexing(): boolean {
    return this.jobs.active.some((j) => j.kind === 'library.refresh');
  }

  async reload(): Promise<void> {
    await Promise.all([this.loadRoots(), this.run()]);
  }

  private async loadRoots(): Promise<void> {
    try {
      [this.roots, this.status, this.facets] = await Promise.all([
        this.client.call('library.roots.list', {}),
        this.client.call('library.status', {}),
        this.client.call('library.facets', {}),
      ]);
      if (this.view === 'duplicates') this.duplicates = await this.client.call('library.duplicates', {});
    } catch (error) {
      this.error = explainError(error);
    }
  }

  /** Sets or clears one filter and reruns the query. */
  filter<K extends keyof Filters>(key: K, value: Filters[K] | undefined): Promise<void> {
    const next = { ...this.filters };
    if (value === undefined || value === '') delete next[key];
    else next[key] = value;
    this.filters = next;
    return this.run();
  }

  clearFilters(): Promise<void> {
    this.filters = {};
    return this.run();
  }

  /** Groups from the last finished near-duplicate job, validated against the contract. */
  get nearGroups(): LibraryItem[][] | null {
    const job = this.jobs.jobs.find((j) => j.id === this.nearJobId);
    return job?.kind === 'library.near-duplicates' && job.state === 'done' ? job.result : null;
  }

  get nearRunning(): boolean {
    const job = this.jobs.jobs.find((j) => j.id === this.nearJobId);
    return !!job && !isFinished(job.state);
  }

  async findNearDuplicates(): Promise<void> {
    try {
      const job = await this.client.call('library.nearDuplicates', {});
      this.jobs.apply(job);
      this.nearJobId = job.id;
    } catch (error) {
      this.error = explainError(error);
    }
  }

  /** Keeps one photo per group and moves the others to the system trash; then reloads folders, counts and groups. */
  async resolveDuplicates(groups: DuplicateResolution[]): Promise<ResolveDuplicatesResult | null> {
    try {
      const result = await this.client.call('library.duplicates.resolve', { groups });
      await this.reload();
      return result;
    } catch (error) {
      this.error = explainError(error);
      return null;
    }
  }

  async showDuplicates(on: boolean): Promise<void> {
    this.view = on ? 'duplicates' : 'photos';
    if (on) {
      try {
        this.duplicates = await this.client.call('library.duplicates', {});
      } catch (error) {
        this.error = explainError(error);
      }
    }
  }

  private async page(offset: number): Promise<SearchResult> {
    return this.client.call('library.search', {
      text: this.likeId === null && !this.upload && this.query.trim() ? this.query.trim() : undefined,
      likeId: this.likeId ?? undefined,
      uploadId: this.upload?.id,
      filters: Object.keys(this.filters).length ? this.filters : undefined,
      limit: PAGE,
      offset,
      ...(this.sort ? { sort: this.sort } : {}),
    });
  }

  /** Runs the current query from the first page; results of an older query that arrive late are dropped. */
  async run(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    try {
      const result = await this.page(0);
      if (generation !== this.generation) return;
      this.items = result.items;
      this.mode = result.mode;
      this.note = result.note;
      this.hidden = result.hidden ?? 0;
      this.noGoodMatch = result.noGoodMatch ?? false;
      this.exhausted = result.items.length < PAGE;
      this.error = null;
    } catch (error) {
      if (generation === this.generation) this.error = explainError(error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  async loadMore(): Promise<void> {
    if (this.loading || this.exhausted) return;
    const generation = this.generation;
    this.loading = true;
    try {
      const result = await this.page(this.items.length);
      if (generation !== this.generation) return;
      this.items = [...this.items, ...result.items];
      this.exhausted = result.items.length < PAGE;
    } catch (error) {
      this.error = explainError(error);
    } finally {
      this.loading = false;
    }
  }

  search(text: string): Promise<void> {
    this.query = text;
    if (text.trim() && !this.searched) {
      this.searched = true;
      globalThis.localStorage?.setItem('studio.library.searched', '1');
    }
    this.likeId = null;
    this.upload = null;
    return this.run();
  }

  moreLike(id: number): Promise<void> {
    this.likeId = id;
    this.upload = null;
    this.query = '';
    return this.run();
  }

  /** Searches by a picture dropped onto the library. */
  async searchByFile(file: File): Promise<void> {
    const problem = await checkDroppedImage(file);
    if (problem) {
      this.error = explainError(new AppError('BAD_IMAGE', problem));
      return;
    }
    try {
      const id = await this.client.upload(await file.arrayBuffer());
      this.upload = { id, name: file.name };
      this.searched = true;
      globalThis.localStorage?.setItem('studio.library.searched', '1');
      this.likeId = null;
      this.query = '';
      await this.run();
    } catch (error) {
      this.error = { ...explainError(error), detail: `Could not search by ${file.name}: ${explainError(error).detail}` };
    }
  }

  /** Keeps a search the user committed (Enter, or leaving the field) in the history. */
  remember(raw: string): void {
    const text = raw.trim();
    if (!text) return;
    this.history = [text, ...this.history.filter((h) => h !== text)].slice(0, 12);
    globalThis.localStorage?.setItem(HISTORY_KEY, JSON.stringify(this.history));
  }

  setSort(sort: LibraryState['sort']): Promise<void> {
    this.sort = sort;
    return this.run();
  }

  /** Click: one photo; Ctrl/⌘-click: add or remove it; Shift-click: the range from the last one. */
  pick(id: number, mode: 'one' | 'toggle' | 'range'): Promise<void> {
    if (mode === 'toggle') this.selection = this.selection.includes(id) ? this.selection.filter((x) => x !== id) : [...this.selection, id];
    else if (mode === 'range' && this.selected) {
      const ids = this.items.map((i) => i.id);
      const [a, b] = [ids.indexOf(this.selected.id), ids.indexOf(id)].sort((x, y) => x - y);
      this.selection = a! < 0 ? [id] : ids.slice(a, b! + 1);
      return Promise.resolve();
    } else this.selection = [id];
    return this.select(this.selection.includes(id) ? id : (this.selection.at(-1) ?? null));
  }

  /** The photos a rating, flag or tag applies to: the selection, or the photo in the details. */
  get targets(): number[] {
    return this.selection.length ? this.selection : this.selected ? [this.selected.id] : [];
  }

  /** Rates, flags or tags the target photos at once, and shows the change in place. */
  async update(change: { rating?: number; flag?: 'pick' | 'reject' | 'none'; addTags?: string[] }): Promise<void> {
    const ids = this.targets;
    if (!ids.length) return;
    try {
      await this.client.call('library.items.update', { ids, ...change });
      const touched = new Set(ids);
      this.items = this.items.map((i) => (touched.has(i.id) ? { ...i, ...(change.rating !== undefined ? { rating: change.rating } : {}), ...(change.flag ? { flag: change.flag } : {}) } : i));
      if (this.selected && touched.has(this.selected.id)) this.selected = await this.client.call('library.item', { id: this.selected.id });
      this.error = null;
    } catch (error) {
      this.error = explainError(error);
    }
  }

  async select(id: number | null): Promise<void> {
    if (id === null) {
      this.selected = null;
      this.selection = [];
      return;
    }
    try {
      this.selected = await this.client.call('library.item', { id });
    } catch (error) {
      this.error = explainError(error);
    }
  }

  async addRoot(path: string): Promise<boolean> {
    try {
      const { root, job } = await this.client.call('library.roots.add', { path });
      this.jobs.apply(job);
      this.roots = [...this.roots, root].sort((a, b) => a.path.localeCompare(b.path));
      this.error = null;
      return true;
    } catch (error) {
      this.error = explainError(error);
      return false;
    }
  }

  async saveTags(id: number, tags: string[]): Promise<void> {
    try {
      this.selected = await this.client.call('library.tags.set', { id, tags });
      this.error = null;
    } catch (error) {
      this.error = explainError(error);
    }
  }

  /** A folder dropped onto the folder list: added where the host can tell its path. */
  async addDropped(file: File): Promise<void> {
    const path = this.client.pathForFile(file);
    if (!path) {
      this.error = explainError(new AppError('UNAVAILABLE', 'Browsers do not reveal where a dropped folder lives. Type its path instead (or use the desktop app).'));
      return;
    }
    await this.addRoot(path);
  }

  async removeRoot(id: number): Promise<void> {
    try {
      await this.client.call('library.roots.remove', { id });
      await this.reload();
    } catch (error) {
      this.error = explainError(error);
    }
  }

  async refresh(): Promise<void> {
    try {
      this.jobs.apply(await this.client.call('library.refresh', {}));
    } catch (error) {
      this.error = explainError(error);
    }
  }
}

const HISTORY_KEY = 'studio.library.history';

function readHistory(): string[] {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((h): h is string => typeof h === 'string').slice(0, 12) : [];
  } catch {
    return [];
  }
}
