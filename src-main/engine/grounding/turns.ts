import { sharp } from '../shared/native-packages';
import { AppError, GroundedRecipeSchema, GroundedTurnSchema, type EditStep, type GroundedRecipe, type GroundedTurn, type JobOf } from '@contract';
import { EDIT_MODELS } from '../edit/editor';
import { decodeRgb, encodePng } from '../shared/pixels';
import type { TurnStore } from '../edit/turn-store';
import type { JobRunner } from '../jobs/runner';
import type { Grounding } from './grounding';

export interface GroundedTurnDeps {
  store: TurnStore;
  jobs: JobRunner;
  publishStep: (step: EditStep) => void;
}

const THUMB = 160;

/** Grounded turns in edit projects' turn trees: run as jobs, stored with their schedule and neighbours, exported as recipes. */
export class GroundedTurns {
  constructor(
    private readonly grounding: Grounding,
    private readonly deps: GroundedTurnDeps,
  ) {}

  /** Starts a grounded turn as a job; its result is the project's view with the new turn current. */
  run(request: GroundedTurn): JobOf<'edit.turn'> {
    const req = GroundedTurnSchema.parse(request);
    const view = this.deps.store.view(req.projectId);
    const from = req.fromTurnId ?? view.cursor;
    const parent = this.deps.store.turnRow(from);
    if (parent.project_id !== req.projectId) throw new AppError('INVALID_PARAMS', `Turn ${from} is not in project ${req.projectId}.`);
    const holder = { jobId: '' };
    const label = req.mode === 'create' ? 'Create from neighbours' : 'Edit grounded in neighbours';
    const job = this.deps.jobs.submit({ kind: 'edit.turn', label: `${label}: “${req.prompt.slice(0, 60)}”`, unit: 'steps', total: req.params.steps }, async (ctx) => {
      let previews = Promise.resolve();
      const parentFile = this.deps.store.filePath(parent)!;
      // The parent's size, not the project's: after a crop turn, pictures have the crop's working size.
      const parentMeta = await sharp(parentFile).metadata();
      const size = { width: parentMeta.width!, height: parentMeta.height! };
      const result = await this.grounding.run(
        { mode: req.mode, prompt: req.prompt, negative: req.negative, neighbours: req.neighbours, source: req.mode === 'edit' ? parentFile : null, params: { ...req.params, ...size } },
        {
          signal: ctx.signal,
          onStep: (e) => {
            ctx.progress(e.step, e.total);
            const preview = e.preview();
            previews = previews.then(() => this.previewEvent(holder.jobId, req.projectId, e.step, e.total, preview)).catch(() => {});
          },
        },
      );
      await previews;
      // Pictures in a project keep its size (a create canvas comes out at the model's multiple: fit it back).
      const meta = await sharp(result.png).metadata();
      const png = meta.width === size.width && meta.height === size.height ? result.png : await encodePng(await decodeRgb(result.png, size));
      await this.deps.store.addTurn({
        projectId: req.projectId,
        parentId: from,
        pipeline: req.mode === 'create' ? 'grounded-create' : 'grounded-edit',
        instruction: req.prompt,
        negative: req.negative,
        params: { steps: req.params.steps, textGuidance: req.params.guidance, imageGuidance: 1, strength: 1, seed: req.params.seed, scheduler: req.params.scheduler, feather: 0 },
        modelId: EDIT_MODELS.instruct,
        provider: result.recipe.provider,
        timings: result.timings,
        grounding: { eta: req.params.eta, guidance: req.params.guidance, mix: req.params.mix, schedule: result.schedule, neighbours: result.recipe.neighbours, recipe: result.recipe },
        image: png,
        thumb: await sharp(png).resize(THUMB, THUMB, { fit: 'inside' }).png().toBuffer(),
        mask: null,
      });
      return this.deps.store.view(req.projectId);
    });
    holder.jobId = job.id;
    return job;
  }

  /** The grounded recipe of a grounded turn: replays it bit for bit with the same neighbours (found by content). */
  async recipe(turnId: number): Promise<GroundedRecipe> {
    const row = this.deps.store.turnRow(turnId);
    if (!row.pipeline.startsWith('grounded')) throw new AppError('INVALID_PARAMS', `Turn ${turnId} is not a grounded turn; export it with edit.recipe.`);
    const kept = GroundedRecipeSchema.safeParse((JSON.parse(row.grounding ?? '{}') as { recipe?: unknown }).recipe);
    if (!kept.success) throw new AppError('NOT_FOUND', `Turn ${turnId} keeps no grounded recipe.`);
    return kept.data;
  }

  private async previewEvent(jobId: string, projectId: number, step: number, total: number, preview: { width: number; height: number; data: Uint8Array }): Promise<void> {
    const png = await sharp(Buffer.from(preview.data), { raw: { width: preview.width, height: preview.height, channels: 3 } })
      .resize(Math.max(64, preview.width * 2), undefined, { kernel: 'nearest' })
      .png()
      .toBuffer();
    this.deps.publishStep({ jobId, projectId, step, total, preview: `data:image/png;base64,${png.toString('base64')}` });
  }
}
