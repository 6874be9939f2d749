import { isFinished, ProjectViewSchema, TurnParamsSchema, type EditCapabilities, type Job, type ProjectSummary, type ProjectView, type Turn, type TurnParams } from '@contract';
import type { StudioClient } from '../api/client';
import { GroundingState } from './grounding.svelte';
import type { JobsState } from './jobs.svelte';

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
  /** What the next turn does: edit the picture, paint a new one from the text (text-to-image), or either grounded in neighbours. */
  pipeline = $state<'auto' | 'text2img' | 'grounded-create' | 'grounded-edit'>('auto');
  /** Neighbours, γ and η of grounded turns. */
  readonly grounding: GroundingState;
  /** Keep the seed between turns; otherwise each turn draws a new one. */
  seedLocked = $state(false);
  /** The painted mask (white = may change), or null. */
  mask = $state<Blob | null>(null);
  running = $state<RunningTurn | null>(null);
  /** Two turns shown side by side with a split slider. */
  compare = $state<{ a: number; b: number } | null>(null);
  split = $state(50);
  error = $state<string | null>(null);

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

  get current(): Turn | null {
    return this.project?.tree.find((t) => t.id === this.project!.cursor) ?? null;
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

  private async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work();
      this.error = null;
      return result;
    } catch (error) {
      this.error = (error as Error).message;
      return undefined;
    }
  }

  async load(): Promise<void> {
    await this.attempt(async () => {
      [this.projects, this.capabilities] = await Promise.all([this.client.call('edit.projects.list', {}), this.client.call('edit.capabilities', {})]);
      if (this.project) this.project = await this.client.call('edit.projects.open', { id: this.project.id });
    });
  }

  private show(view: ProjectView | undefined): void {
    if (!view) return;
    this.project = view;
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
    this.pipeline = 'text2img';
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
      });
      this.jobs.apply(job);
      this.running = { jobId: job.id, step: 0, total: this.params.steps, preview: null };
    });
  }

  cancel(): void {
    if (this.running) void this.jobs.cancel(this.running.jobId);
  }

  private onJob(job: Job): void {
    if (job.id !== this.running?.jobId || !isFinished(job.state)) return;
    this.running = null;
    if (job.state === 'done') {
      const parsed = ProjectViewSchema.safeParse(job.result);
      if (parsed.success) this.show(parsed.data);
      this.mask = null;
      this.error = null;
    } else if (job.state === 'failed') {
      this.error = job.error?.message ?? 'The turn failed.';
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

  /** Takes a turn's instruction and settings back into the editor, to re-run it with other weights (a sibling). */
  reuse(turn: Turn): void {
    this.instruction = turn.instruction;
    this.negative = turn.negative;
    if (turn.params) this.params = { ...turn.params };
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

  /** Downloads the current turn's picture and its recipe. */
  async export(): Promise<void> {
    const turn = this.current;
    if (!turn) return;
    const grounded = turn.pipeline === 'grounded-create' || turn.pipeline === 'grounded-edit';
    const recipe = await this.attempt<unknown>(() => (grounded ? this.client.call('grounding.recipe', { turnId: turn.id }) : this.client.call('edit.recipe', { turnId: turn.id })));
    if (!recipe) return;
    const base = `${this.project!.name}-turn-${turn.id}`;
    download(turn.image, `${base}.png`);
    download(URL.createObjectURL(new Blob([JSON.stringify(recipe, null, 1)], { type: 'application/json' })), `${base}.recipe.json`);
  }
}

function download(href: string, name: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
