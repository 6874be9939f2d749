import { AppError, SavedQuerySchema, type ComposedQuery, type ComposedResult, type ComposerId, type ComposerInfo, type ComposeWeights, type LibraryItem, type SavedQuery, explainError, type Problem } from '@contract';
import type { StudioClient } from '../api/client';
import { checkDroppedImage } from '../api/dropped-image';
import { previewOf, rememberPreview } from './previews';
import { forgetCurrent, rememberCurrent, restoreCurrent } from './compose-session';
import { itemReference, savedReference, type ComposeReference } from './compose-reference';
import { readComposeHistory, rememberComposed } from './compose-history';

const PLAIN_WEIGHTS: ComposeWeights = { image: 1, text: 1, negative: 1 };

/**
 * The Compose panel in Search: a reference (with an optional region), texts in order, a negative text, weights and a
 * composer. Every change re-runs the query; while one runs, changes coalesce into one more run, so dragging a slider
 * shows live results without piling up requests.
 */
export class ComposeState {
  reference = $state<ComposeReference | null>(null);
  regionUploadId = $state<string | null>(null);
  /** The region to show on the reference when a search is reopened (a data URL), or null. */
  regionSrc = $state<string | null>(null);
  /** Whether the designer moved a weight; switching composer then keeps their weights. */
  private weightsTouched = false;
  conditions = $state<string[]>([]);
  negative = $state('');
  weights = $state<ComposeWeights>({ ...PLAIN_WEIGHTS });
  composer = $state<ComposerId>('sum');
  steps = $state<number | null>(null);
  /** GAIR weight when a text names a concept (1 = the learned token only). */
  gairW = $state(1);
  gairNote = $state<string | null>(null);
  /** Only photos in this album are searched (null: the whole library). */
  album = $state<number | null>(null);
  composers = $state<ComposerInfo[]>([]);
  saved = $state<SavedQuery[]>([]);
  /** The last 20 searches run (kept in this browser), newest first; `open` reopens one exactly. */
  history = $state<SavedQuery[]>(readComposeHistory());
  items = $state<LibraryItem[]>([]);
  last = $state<Pick<ComposedResult, 'composer' | 'timings' | 'encoded' | 'note'> | null>(null);
  selectedId = $state<number | null>(null);
  busy = $state(false);
  error = $state<Problem | null>(null);
  private running: Promise<void> | null = null;
  private again = false;
  /** Counts region changes, so an upload that finishes after a newer region (or a clear) is dropped. */
  private regionChange = 0;

  constructor(private readonly client: StudioClient) {
    client.onStatus((s) => {
      if (s === 'open') void this.load();
    });
  }

  async load(): Promise<void> {
    try {
      const [composers, saved, settings] = await Promise.all([
        this.client.call('search.composers', {}),
        this.client.call('search.saved.list', {}),
        this.client.call('settings.get', {}),
      ]);
      this.composers = composers;
      this.saved = saved;
      if (!this.reference && this.conditions.length === 0) {
        const current = restoreCurrent();
        if (current) await this.open(current);
        else this.pickComposer(settings.effective.composer, false);
      }
    } catch (error) {
      this.error = explainError(error);
    }
  }

  get hasQuery(): boolean {
    return this.reference !== null || this.conditions.length > 0;
  }

  /** Whether a text names a concept (*name), so the GAIR slider applies. */
  get hasConcept(): boolean {
    return [...this.conditions, this.negative].some((t) => /\*[\p{L}\p{N}_-]+/u.test(t));
  }

  setGair(w: number): Promise<void> {
    this.gairW = w;
    this.gairNote = null;
    return this.run();
  }

  /** Chooses w with Algorithm 1 (generated images, or retrieved photos when no generator is installed). */
  async autoGair(): Promise<void> {
    const text = this.conditions.find((t) => /\*[\p{L}\p{N}_-]+/u.test(t));
    if (!text) return;
    try {
      const auto = await this.client.call('concepts.gairAuto', { text });
      this.gairW = auto.w;
      this.gairNote = `Auto: ${auto.w.toFixed(2)} (${auto.method === 'generated' ? 'generated images' : 'retrieval'}: ${auto.proxy}).`;
      await this.run();
    } catch (error) {
      this.error = explainError(error);
    }
  }

  get info(): ComposerInfo | undefined {
    return this.composers.find((c) => c.id === this.composer);
  }

  query(): ComposedQuery {
    const ref = this.reference;
    return {
      reference: ref ? (ref.kind === 'item' ? { itemId: ref.itemId } : { uploadId: ref.uploadId }) : null,
      regionUploadId: ref ? this.regionUploadId : null,
      conditions: this.conditions,
      negative: this.negative.trim(),
      weights: { ...this.weights },
      composer: this.composer,
      ...(this.steps !== null ? { steps: this.steps } : {}),
      ...(this.hasConcept ? { gairW: this.gairW } : {}),
      ...(this.album !== null ? { filters: { album: this.album } } : {}),
      limit: 120,
    };
  }

  setAlbum(id: number | null): Promise<void> {
    this.album = id;
    return this.run();
  }

  /** Runs the query now, or once more after the one in flight. */
  run(): Promise<void> {
    if (!this.hasQuery) {
      forgetCurrent();
      this.items = [];
      this.last = null;
      this.error = null;
      return Promise.resolve();
    }
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      this.busy = true;
      try {
        do {
          this.again = false;
          try {
            const query = this.query();
            // Parsed once: the tab keeps it for a reload, the history for reopening later.
            const entry: SavedQuery = { id: 0, name: this.reference?.name ?? 'Search', query: SavedQuerySchema.shape.query.parse(query), createdAt: Date.now() };
            rememberCurrent(entry);
            this.history = rememberComposed(this.history, entry);
            const result = await this.client.call('search.compose', query);
            this.items = result.items;
            this.last = { composer: result.composer, timings: result.timings, encoded: result.encoded, note: result.note };
            this.error = null;
          } catch (error) {
            this.error = explainError(error);
          }
        } while (this.again);
      } finally {
        this.busy = false;
        this.running = null;
      }
    })();
    return this.running;
  }

  setReference(reference: ComposeReference | null): Promise<void> {
    this.regionChange++;
    this.regionSrc = null;
    this.reference = reference;
    this.regionUploadId = null;
    return this.run();
  }

  /** Library photos for the reference picker (words as in the Library search; nothing typed: the latest). */
  async findInLibrary(text: string): Promise<LibraryItem[]> {
    try {
      return (await this.client.call('library.search', { ...(text.trim() ? { text: text.trim() } : {}), limit: 48 })).items;
    } catch {
      return [];
    }
  }

  useItem(item: Pick<LibraryItem, 'id' | 'name' | 'thumb'>): Promise<void> {
    return this.setReference(itemReference(item));
  }

  async useFile(file: File): Promise<void> {
    const problem = await checkDroppedImage(file);
    if (problem) {
      this.error = explainError(new AppError('BAD_IMAGE', problem));
      return;
    }
    try {
      const uploadId = await this.client.upload(await file.arrayBuffer());
      await rememberPreview(uploadId, file, 'photo');
      await this.setReference({ kind: 'upload', uploadId, name: file.name, src: URL.createObjectURL(file) });
    } catch (error) {
      this.error = explainError(error);
    }
  }

  /** A painted region (mask PNG: white = may change), or null to clear it. */
  async setRegion(png: Blob | null): Promise<void> {
    const change = ++this.regionChange;
    try {
      const uploadId = png ? await this.client.upload(await png.arrayBuffer()) : null;
      if (change !== this.regionChange) return;
      this.regionUploadId = uploadId;
      if (png && uploadId) await rememberPreview(uploadId, png, 'mask');
      await this.run();
    } catch (error) {
      this.error = explainError(error);
    }
  }

  addCondition(text: string): Promise<void> {
    const clean = text.trim();
    if (!clean) return Promise.resolve();
    this.conditions = [...this.conditions, clean];
    return this.run();
  }

  editCondition(index: number, text: string): Promise<void> {
    const clean = text.trim();
    if (clean === this.conditions[index]) return Promise.resolve();
    this.conditions = clean ? this.conditions.map((c, i) => (i === index ? clean : c)) : this.conditions.filter((_, i) => i !== index);
    return this.run();
  }

  removeCondition(index: number): Promise<void> {
    this.conditions = this.conditions.filter((_, i) => i !== index);
    return this.run();
  }

  moveCondition(index: number, by: -1 | 1): Promise<void> {
    const to = index + by;
    if (to < 0 || to >= this.conditions.length) return Promise.resolve();
    const next = [...this.conditions];
    [next[index], next[to]] = [next[to]!, next[index]!];
    this.conditions = next;
    return this.run();
  }

  setNegative(text: string): Promise<void> {
    if (text.trim() === this.negative.trim()) return Promise.resolve();
    this.negative = text;
    return this.run();
  }

  setWeight(key: keyof ComposeWeights, value: number): Promise<void> {
    this.weightsTouched = true;
    this.weights = { ...this.weights, [key]: value };
    return this.run();
  }

  /** Switches composer and takes its default steps; its default weights too, unless the designer set their own. */
  pickComposer(id: ComposerId, run = true): Promise<void> {
    this.composer = id;
    const info = this.composers.find((c) => c.id === id);
    if (!this.weightsTouched) this.weights = { ...(info?.defaults.weights ?? PLAIN_WEIGHTS) };
    this.steps = info?.defaults.steps ?? null;
    return run ? this.run() : Promise.resolve();
  }

  clear(): Promise<void> {
    this.regionChange++;
    this.reference = null;
    this.regionUploadId = null;
    this.regionSrc = null;
    this.weightsTouched = false;
    this.conditions = [];
    this.negative = '';
    return this.run();
  }

  async save(name: string): Promise<void> {
    try {
      await this.client.call('search.saved.save', { name, query: this.query() });
      this.saved = await this.client.call('search.saved.list', {});
    } catch (error) {
      this.error = explainError(error);
    }
  }

  async open(saved: SavedQuery): Promise<void> {
    const q = saved.query;
    try {
      const reference = await savedReference(this.client, saved);
      this.regionChange++;
      this.reference = reference;
      this.regionUploadId = q.regionUploadId ?? null;
      this.regionSrc = previewOf(q.regionUploadId);
      this.weightsTouched = true;
      this.conditions = [...(q.conditions ?? [])];
      this.negative = q.negative ?? '';
      this.composer = q.composer ?? 'sum';
      this.weights = { ...PLAIN_WEIGHTS, ...q.weights };
      this.steps = q.steps ?? null;
      this.album = q.filters?.album ?? null;
      await this.run();
    } catch (error) {
      this.error = explainError(error);
    }
  }

  async removeSaved(id: number): Promise<void> {
    try {
      await this.client.call('search.saved.remove', { id });
      this.saved = this.saved.filter((s) => s.id !== id);
    } catch (error) {
      this.error = explainError(error);
    }
  }
}
