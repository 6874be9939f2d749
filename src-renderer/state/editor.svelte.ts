import { AppError, isFinished, TurnParamsSchema, type EditCapabilities, type ExportFormat, type ExportResult, type Job, type ProjectSummary, type ProjectView, type Turn, type TurnParams, explainError, type Problem } from '@contract';
import type { StudioClient } from '../api/client';
import { GroundingState } from './grounding.svelte';
import { checkDroppedImage } from '../api/dropped-image';
import type { JobsState } from './jobs.svelte';
import { attempt } from './attempt';
import { VariationChoice } from './variations.svelte';
import { turnSize } from './turn-size';

export interface RunningTurn {
  jobId: string;
  step: number;
  total: number;
  preview: string | null;
}

/** The Edit area: projects, the current project's turn tree and cursor, the next turn's settings, and a running turn. */
export class EditorState {
  projects = $state<ProjectSummary[]>([]);
  project = $state<ProjectView | null>(null);
  capabilities = $state<EditCapabilities | null>(null);
  instruction = $state('');
  negative = $state('');
  params = $state<TurnParams>(TurnParamsSchema.parse({ steps: 20 }));
  /** Neighbours, γ and η of grounded turns. */
  readonly grounding: GroundingState;
  /** The turn type chosen per project; without a choice a canvas starts painting from text and a photo is edited. */
  private chosenPipeline = $state<Record<number, TurnType>>({});
  /** Keep the seed between turns; otherwise each turn draws a new one. */
  seedLocked = $state(false);
  /** The painted mask (white = may change), or null. */
  mask = $state<Blob | null>(null);
  /** A turn's mask to start the canvas from when its parent is current (a retry keeps the mask), or null. */
  startMask = $state<{ at: number; url: string } | null>(null);
  running = $state<RunningTurn | null>(null);
  /** Two turns shown side by side with a split slider. */
  compare = $state<{ a: number; b: number } | null>(null);
  split = $state(50);
  error = $state<Problem | null>(null);
  /** Several seeds per turn, shown side by side to pick one. */
  readonly variations = new VariationChoice();

  constructor(
    private readonly client: StudioClient,
    private readonly jobs: JobsState,
  ) {
    this.grounding = new GroundingState(client);
    client.onStatus((s) => {
      if (s === 'open') void this.load();
    });
    client.on('edit.step', (step) => {
      if (this.running?.jobId === step.jobId) this.running = { ...this.running, step: step.step, total: step.total, preview: step.preview };
    });
    client.on('job.progress', (job) => this.onJob(job));
  }

  /**
   * What the next turn does: edit the picture (with a mask: only the mask), paint a new one from the text, or either
   * grounded in neighbours. Chosen per project.
   */
  get pipeline(): TurnType {
    const project = this.project;
    if (!project) return 'auto';
    return this.chosenPipeline[project.id] ?? (project.kind === 'canvas' && project.tree.length === 1 ? 'text2img' : 'auto');
  }

  set pipeline(value: TurnType) {
    if (this.project) this.chosenPipeline = { ...this.chosenPipeline, [this.project.id]: value };
  }

  get current(): Turn | null {
    return this.project?.tree.find((t) => t.id === this.project!.cursor) ?? null;
  }

  /** The current turn's working size (its canvas) and full resolution (its export); a crop changes both. */
  get size(): ReturnType<typeof turnSize> | null {
    return this.project ? turnSize(this.project, this.project.cursor) : null;
  }

  /** Turn ids on the path from the original picture to the cursor. */
  get path(): Set<number> {
    const out = new Set<number>();
    const byId = new Map(this.project?.tree.map((t) => [t.id, t]) ?? []);
    for (let t = this.current; t; t = t.parentId === null ? null : (byId.get(t.parentId) ?? null)) out.add(t.id);
    return out;
  }

  get runningJob(): Job | null {
    return this.jobs.jobs.find((j) => j.id === this.running?.jobId) ?? null;
  }

  private attempt<T>(work: () => Promise<T>): Promise<T | null> {
    return attempt(this, work);
  }

  async load(): Promise<void> {
    await this.attempt(async () => {
      [this.projects, this.capabilities] = await Promise.all([this.client.call('edit.projects.list', {}), this.client.call('edit.capabilities', {})]);
      const reopen = this.project?.id ?? lastProjectId();
      if (reopen !== null && this.projects.some((p) => p.id === reopen)) this.project = await this.client.call('edit.projects.open', { id: reopen });
    });
  }

  private show(view: ProjectView | null): void {
    if (!view) return;
    // A mask belongs to the picture it was painted on: another current turn starts without one (a retry brings its own).
    if (view.id !== this.project?.id || view.cursor !== this.project.cursor) this.mask = null;
    this.project = view;
    this.variations.follow(view);
    rememberProject(view.id);
    this.compare = null;
    const summary = { id: view.id, name: view.name, width: view.width, height: view.height, turns: view.turns, thumb: view.thumb, updatedAt: view.updatedAt };
    this.projects = [summary, ...this.projects.filter((p) => p.id !== view.id)];
  }

  async open(id: number): Promise<void> {
    this.show(await this.attempt(() => this.client.call('edit.projects.open', { id })));
  }

  async openItem(item: { id: number; name: string }): Promise<void> {
    this.show(await this.attempt(() => this.client.call('edit.projects.create', { reference: { itemId: item.id } })));
  }

  async openFile(file: File): Promise<void> {
    const problem = await checkDroppedImage(file);
    if (problem) {
      this.error = explainError(new AppError('BAD_IMAGE', problem));
      return;
    }
    this.show(
      await this.attempt(async () => {
        const uploadId = await this.client.upload(await file.arrayBuffer());
        return this.client.call('edit.projects.create', { reference: { uploadId }, name: file.name.replace(/\.[^.]+$/, '') || 'Untitled' });
      }),
    );
  }

  /** A blank canvas to paint on from text. */
  async newCanvas(): Promise<void> {
    this.show(await this.attempt(() => this.client.call('edit.projects.create', { reference: { blank: { width: 512, height: 512 } }, name: 'Canvas' })));
  }

  async run(): Promise<void> {
    const project = this.project;
    if (!project || this.running || !this.instruction.trim()) return;
    if (!this.seedLocked) this.params = { ...this.params, seed: Math.floor(Math.random() * 2 ** 31) };
    await this.attempt(async () => {
      if (this.pipeline === 'grounded-create' || this.pipeline === 'grounded-edit') {
        const mode = this.pipeline === 'grounded-create' ? 'create' : 'edit';
        const job = await this.grounding.start({ projectId: project.id, mode, prompt: this.instruction.trim(), negative: this.negative.trim(), steps: this.params.steps, seed: this.params.seed });
        this.jobs.apply(job);
        this.running = { jobId: job.id, step: 0, total: this.params.steps, preview: null };
        return;
      }
      const maskUploadId = this.mask ? await this.client.upload(await this.mask.arrayBuffer()) : null;
      const job = await this.client.call('edit.turns.run', {
        projectId: project.id,
        pipeline: this.pipeline as 'auto' | 'text2img',
        instruction: this.instruction.trim(),
        negative: this.negative.trim(),
        maskUploadId: this.pipeline === 'text2img' ? null : maskUploadId,
        params: { ...this.params },
        variations: this.variations.count,
      });
      this.jobs.apply(job);
      this.variations.clear();
      this.running = { jobId: job.id, step: 0, total: this.params.steps * this.variations.count, preview: null };
    });
  }

  cancel(): void {
    if (this.running) void this.jobs.cancel(this.running.jobId);
  }

  private onJob(job: Job): void {
    if (job.id !== this.running?.jobId || !isFinished(job.state)) return;
    this.running = null;
    if (job.state === 'done') {
      if (job.kind === 'edit.turn' && job.result) {
        this.show(job.result);
        this.variations.offer(job.result);
      }
      this.mask = null;
      this.startMask = null;
      this.error = null;
    } else if (job.state === 'failed') {
      this.error = explainError(job.error ?? 'The turn failed.');
    }
  }

  undo(): Promise<void> {
    return this.move('edit.undo');
  }

  redo(): Promise<void> {
    return this.move('edit.redo');
  }

  private async move(method: 'edit.undo' | 'edit.redo'): Promise<void> {
    const project = this.project;
    if (!project) return;
    this.show(await this.attempt(() => this.client.call(method, { projectId: project.id })));
  }

  async jump(turnId: number): Promise<void> {
    const project = this.project;
    if (!project) return;
    this.show(await this.attempt(() => this.client.call('edit.cursor.set', { projectId: project.id, turnId })));
  }

  /** Crops the current turn (a box as fractions of it) at full resolution: a new "Crop" turn becomes current. */
  async crop(box: { x: number; y: number; width: number; height: number }): Promise<boolean> {
    const project = this.project;
    if (!project || this.running) return false;
    const view = await this.attempt(() => this.client.call('edit.crop', { projectId: project.id, box }));
    this.show(view);
    return !!view;
  }

  /** Continues from the n-th variation (0-based): it becomes the current turn; the others stay as siblings. */
  async pick(index: number): Promise<void> {
    const turnId = this.variations.turnAt(index);
    if (turnId === null) return;
    await this.jump(turnId);
    this.variations.clear();
  }

  /** Takes a turn's instruction and settings back into the editor, to re-run it with other weights (a sibling). */
  reuse(turn: Turn): void {
    this.instruction = turn.typed;
    this.startMask = turn.mask && turn.parentId !== null ? { at: turn.parentId, url: turn.mask } : null;
    this.negative = turn.negative;
    if (turn.params) this.params = { ...turn.params };
  }

  async renameProject(name: string): Promise<void> {
    const project = this.project;
    if (!project || !name.trim()) return;
    this.show(await this.attempt(() => this.client.call('edit.projects.rename', { id: project.id, name: name.trim() })));
  }

  /** Deletes the open project and its files; the studio then shows the next project, or the start page. */
  async deleteProject(): Promise<void> {
    const project = this.project;
    if (!project) return;
    const done = await this.attempt(() => this.client.call('edit.projects.delete', { id: project.id }));
    if (!done) return;
    this.projects = this.projects.filter((p) => p.id !== project.id);
    this.project = null;
    this.mask = null;
    const next = this.projects[0];
    if (next) await this.open(next.id);
  }

  async rename(turnId: number, label: string): Promise<void> {
    this.show(await this.attempt(() => this.client.call('edit.turns.rename', { turnId, label })));
  }

  async deleteBranch(turnId: number): Promise<void> {
    this.show(await this.attempt(() => this.client.call('edit.turns.delete', { turnId })));
  }

  startCompare(a: number, b: number): void {
    this.compare = { a, b };
    this.split = 50;
  }

  /** Renders the current turn at full size (or smaller) in a format, and downloads it; the recipe only when asked. */
  async export(options: { format: ExportFormat; quality: number; maxSide: number | null; fileName: string; recipe: boolean }): Promise<ExportResult | undefined> {
    const turn = this.current;
    if (!turn) return undefined;
    const result = await this.attempt(() => this.client.call('edit.export', { turnId: turn.id, format: options.format, quality: options.quality, maxSide: options.maxSide }));
    if (!result) return undefined;
    const stem = options.fileName.trim().replace(/\.(png|jpe?g|webp)$/i, '') || result.fileName.replace(/\.[^.]+$/, '');
    download(result.url, `${stem}${result.fileName.slice(result.fileName.lastIndexOf('.'))}`);
    if (options.recipe) {
      const grounded = turn.pipeline === 'grounded-create' || turn.pipeline === 'grounded-edit';
      const recipe = await this.attempt<unknown>(() => (grounded ? this.client.call('grounding.recipe', { turnId: turn.id }) : this.client.call('edit.recipe', { turnId: turn.id })));
      if (recipe) download(URL.createObjectURL(new Blob([JSON.stringify(recipe, null, 1)], { type: 'application/json' })), `${stem}.recipe.json`);
    }
    return result;
  }

  /** Saves the current turn at full size into a library folder (the library then indexes it); the path it got. */
  async saveToLibrary(folder: string, format: ExportFormat, quality: number): Promise<string | undefined> {
    const turn = this.current;
    if (!turn) return undefined;
    return (await this.attempt(() => this.client.call('edit.saveToLibrary', { turnId: turn.id, folder, format, quality })))?.path;
  }

  /** The library folders a turn can be saved into. */
  async libraryFolders(): Promise<string[]> {
    return ((await this.attempt(() => this.client.call('library.roots.list', {}))) ?? []).map((r) => r.path);
  }
}

export type TurnType = 'auto' | 'text2img' | 'grounded-create' | 'grounded-edit';

const LAST_PROJECT = 'studio.edit.lastProject';

function lastProjectId(): number | null {
  const value = Number(globalThis.localStorage?.getItem(LAST_PROJECT) ?? NaN);
  return Number.isInteger(value) ? value : null;
}

function rememberProject(id: number): void {
  globalThis.localStorage?.setItem(LAST_PROJECT, String(id));
}

function download(href: string, name: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
