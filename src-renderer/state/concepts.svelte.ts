import { AppError, isFinished, thumbUrlOf, type Concept, type Job, type LibraryItem, explainError, type Problem } from '@contract';
import type { StudioClient } from '../api/client';
import { checkDroppedImage } from '../api/dropped-image';
import { ConceptPreviewsState } from './concept-previews.svelte';
import type { JobsState } from './jobs.svelte';

/** A photo for the concept being taught: a file the user dropped, or a photo of the library. */
export type PendingPhoto = { file: File; url: string; name: string } | { itemId: number; url: string; name: string };

/** The Concepts area: the concepts, the photos of the one being taught, and its live training. */
export class ConceptsState {
  concepts = $state<Concept[]>([]);
  photos = $state<PendingPhoto[]>([]);
  name = $state('');
  parent = $state('');
  /** Also generate parent-class pictures as negatives (needs the text-to-image model; slow without a GPU). */
  generateNegatives = $state(false);
  /** The training running: a new concept, or (`retraining` set) an existing one given more photos. */
  teaching = $state<{ jobId: string; generation: number; accuracy: number; curve: number[]; matches: LibraryItem[]; retraining?: string } | null>(null);
  error = $state<Problem | null>(null);
  /** Generated previews of a concept, on request. */
  readonly previews: ConceptPreviewsState;

  constructor(
    private readonly client: StudioClient,
    private readonly jobs: JobsState,
  ) {
    this.previews = new ConceptPreviewsState(client, jobs);
    client.onStatus((s) => {
      if (s === 'open') void this.load();
    });
    client.on('concepts.progress', (p) => {
      if (this.teaching?.jobId === p.jobId) this.teaching = { ...this.teaching, generation: p.generation, accuracy: p.accuracy, curve: p.curve, matches: p.matches.length ? p.matches : this.teaching.matches };
    });
    client.on('job.progress', (job) => this.onJob(job));
  }

  get names(): string[] {
    return this.concepts.map((c) => c.name);
  }

  /** Why Teach cannot run yet, or null. */
  get blocker(): string | null {
    if (this.photos.length < 3) return `Add ${3 - this.photos.length} more photo${this.photos.length === 2 ? '' : 's'} (3–5).`;
    if (this.photos.length > 5) return `Use at most 5 photos (${this.photos.length} added).`;
    if (!this.parent.trim()) return 'Say what kind of thing it is (the parent word, e.g. “mug”).';
    if (!/^[\p{L}\p{N}_-]{1,40}$/u.test(this.name.trim())) return 'Give it a one-word name (letters, digits, _ or -).';
    if (this.names.includes(this.name.trim().toLowerCase())) return `*${this.name.trim().toLowerCase()} exists already.`;
    return null;
  }

  async load(): Promise<void> {
    try {
      this.concepts = await this.client.call('concepts.list', {});
    } catch (error) {
      this.error = explainError(error);
    }
  }

  /** Adds the photos that are pictures; the others are refused now, by name, rather than failing at Teach. */
  async addFiles(files: Iterable<File>): Promise<void> {
    const problems: string[] = [];
    for (const file of [...files]) {
      const problem = await checkDroppedImage(file);
      if (problem) problems.push(problem);
      else this.photos = [...this.photos, { file, url: URL.createObjectURL(file), name: file.name }];
    }
    this.error = problems.length ? explainError(new AppError('BAD_IMAGE', problems.join(' '))) : null;
  }

  /** Library photos picked together in the Library ("Teach a concept from these"). */
  addItems(items: Pick<LibraryItem, 'id' | 'name' | 'thumb'>[]): void {
    const have = new Set(this.photos.flatMap((p) => ('itemId' in p ? [p.itemId] : [])));
    const fresh = items.filter((i) => !have.has(i.id)).map((i) => ({ itemId: i.id, url: thumbUrlOf(i) ?? '', name: i.name }));
    this.photos = [...this.photos, ...fresh];
    this.error = null;
  }

  removePhoto(index: number): void {
    this.photos = this.photos.filter((_, i) => i !== index);
  }

  async teach(): Promise<void> {
    if (this.blocker || this.teaching) return;
    try {
      const photos = await Promise.all(this.photos.map(async (p) => ('itemId' in p ? { itemId: p.itemId } : { uploadId: await this.client.upload(await p.file.arrayBuffer()) })));
      const job = await this.client.call('concepts.teach', { name: this.name.trim(), parent: this.parent.trim(), photos, generateNegatives: this.generateNegatives });
      this.jobs.apply(job);
      this.teaching = { jobId: job.id, generation: 0, accuracy: 0, curve: [], matches: [] };
      this.error = null;
    } catch (error) {
      this.error = explainError(error);
    }
  }

  /** Adds dropped or chosen pictures to a concept and retrains it; its old token stays until the retraining finishes. */
  async addPhotos(concept: Concept, files: Iterable<File>): Promise<void> {
    if (this.teaching) return;
    try {
      const chosen = [...files];
      const problems = (await Promise.all(chosen.map((f) => checkDroppedImage(f)))).filter((p): p is string => !!p);
      if (problems.length) throw new Error(problems.join(' '));
      if (!chosen.length) return;
      const photos = await Promise.all(chosen.map(async (f) => ({ uploadId: await this.client.upload(await f.arrayBuffer()) })));
      await this.retrain(concept, photos);
    } catch (error) {
      this.error = explainError(error);
    }
  }

  /** Adds photos selected in the Library (at most 5 at a time) to a concept and retrains it; false when refused (see `error`). */
  async addLibraryItems(concept: Concept, itemIds: number[]): Promise<boolean> {
    if (this.teaching) {
      this.error = explainError(new AppError('CONFLICT', `A concept is being taught; add the photos to “${concept.name}” when it is done.`));
      return false;
    }
    if (itemIds.length === 0 || itemIds.length > 5) {
      this.error = explainError(new AppError('INVALID_PARAMS', `Select 1 to 5 photos to add to “${concept.name}” (${itemIds.length} selected).`));
      return false;
    }
    try {
      await this.retrain(concept, itemIds.map((itemId) => ({ itemId })));
      return true;
    } catch (error) {
      this.error = explainError(error);
      return false;
    }
  }

  private async retrain(concept: Concept, photos: ({ itemId: number } | { uploadId: string })[]): Promise<void> {
    const job = await this.client.call('concepts.addPhotos', { id: concept.id, photos });
    this.jobs.apply(job);
    this.teaching = { jobId: job.id, generation: 0, accuracy: 0, curve: [], matches: [], retraining: concept.name };
    this.error = null;
  }

  cancel(): void {
    if (this.teaching) void this.jobs.cancel(this.teaching.jobId);
  }

  private onJob(job: Job): void {
    if (job.id !== this.teaching?.jobId || !isFinished(job.state)) return;
    const retraining = this.teaching.retraining;
    this.teaching = null;
    if (retraining) {
      if (job.state === 'failed') this.error = explainError(job.error ?? 'Retraining failed.');
      void this.load();
    } else if (job.kind === 'concepts.teach' && job.state === 'done' && job.result) {
      this.photos = [];
      this.name = '';
      this.parent = '';
      void this.load();
    } else if (job.state === 'failed') this.error = explainError(job.error ?? 'Teaching failed.');
  }

  async rename(id: number, name: string): Promise<void> {
    await this.act(() => this.client.call('concepts.rename', { id, name }));
  }

  async remove(id: number): Promise<void> {
    await this.act(() => this.client.call('concepts.delete', { id }));
  }

  async exportConcept(concept: Concept): Promise<void> {
    try {
      const file = await this.client.call('concepts.export', { id: concept.id });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([JSON.stringify(file, null, 1)], { type: 'application/json' }));
      a.download = `${concept.name}.concept.json`;
      document.body.append(a);
      a.click();
      a.remove();
    } catch (error) {
      this.error = explainError(error);
    }
  }

  async importFile(file: File): Promise<void> {
    await this.act(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not a concept file (not JSON).`);
      }
      return this.client.call('concepts.import', { file: parsed });
    });
  }

  private async act(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
      this.error = null;
      await this.load();
    } catch (error) {
      this.error = explainError(error);
    }
  }
}

/** Concept names completing a "*partial" at the end of a text. */
export function conceptSuggestions(text: string, names: string[]): { prefix: string; names: string[] } | null {
  const match = /\*([\p{L}\p{N}_-]*)$/u.exec(text);
  if (!match) return null;
  const partial = match[1]!.toLowerCase();
  const found = names.filter((n) => n.startsWith(partial) && n !== partial);
  return found.length ? { prefix: text.slice(0, match.index), names: found.slice(0, 6) } : null;
}
