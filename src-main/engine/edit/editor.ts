import { basename } from 'node:path';
import { sharp } from '../shared/native-packages';
import {
  AppError,
  RecipeSchema,
  RunTurnSchema,
  type EditCapabilities,
  type EditStep,
  type CropRequest,
  type ExportRequest,
  type ExportResult,
  type JobOf,
  type ProjectView,
  type Recipe,
  type RunTurn,
  type TurnParams,
} from '@contract';
import type { JobContext, JobRunner } from '../jobs/runner';
import type { ModelStore } from '../models/model-store';
import type { SessionPool } from '../models/session-pool';
import { runDiffusion, type StageTimings } from './pipeline';
import { decodeMask, decodeRgb, encodeMaskPng, encodePng, type Mask, type Rgb } from '../shared/pixels';
import { SdModel, type UnetKind } from './sd-model';
import { TurnStore } from './turn-store';
import { readRegularFile } from '../storage/regular-file';
import { AsyncCache } from '../shared/async-cache';
import { sha256, turnRecipe } from './recipe';
import { renderTurn, type RenderedTurn } from './turn-render';
import { stepPreview } from './step-preview';
import { workingSize } from './working-size';
import { addCropTurn, replayCrop } from './crop-turn';

export { MAX_SIDE, workingSize } from './working-size';

/** The manifest's model for each pipeline. */
export const EDIT_MODELS: Record<UnetKind, string> = { instruct: 'sd15-instruct-pix2pix', inpaint: 'sd15-inpaint', text2img: 'sd15-text2img' };
const THUMB = 160;

export interface EditorDeps {
  dir: string;
  /** Open the projects database to read only (a data folder that cannot be written). */
  readOnly?: boolean;
  models: () => ModelStore;
  pool: SessionPool;
  jobs: JobRunner;
  /**
   * The execution provider sessions prefer (shown in capabilities). Turns record the one their sessions actually ran on
   * (SdModel.provider, after any fallback), since replays match only on the same provider.
   */
  provider: () => string;
  /** Pushes a step preview to clients. */
  publishStep: (step: EditStep) => void;
  /** Rewrites "*name" concept mentions for the Stable Diffusion text encoder (no concepts: the text as typed). */
  conceptText?: ConceptText;
  /** Where uploads live (masks arrive as uploads); without it a mask is refused. */
  uploads?: UploadFiles;
}

/**
 * Edit's port to concepts: the Stable Diffusion text encoder has no concept tokens, so an edit names a concept by its
 * attribute words. Owned here so concepts (which generate with the editor) and edit do not import each other's classes.
 */
export interface ConceptText {
  describe(text: string): string;
}

/** Edit's port to the uploads folder. */
export interface UploadFiles {
  path(id: string): string;
}

const thumbnail = (png: Buffer) => sharp(png).resize(THUMB, THUMB, { fit: 'inside' }).png().toBuffer();

/** Turn-by-turn editing: projects, the turn tree, running turns as jobs, recipes and replay. */
export class Editor {
  readonly store: TurnStore;
  private readonly models = new AsyncCache<string, SdModel>();

  constructor(private readonly deps: EditorDeps) {
    this.store = new TurnStore(deps.dir, deps.readOnly);
  }

  capabilities(): EditCapabilities {
    const provider = this.deps.provider();
    return {
      pipelines: (Object.keys(EDIT_MODELS) as UnetKind[]).map((pipeline) => {
        const modelId = this.modelIdFor(pipeline);
        const status = this.deps.models().status(modelId);
        return { pipeline, modelId, installed: status.installed, reason: status.installed ? null : `${status.title} is not installed. ${status.exportCommand ? `Export it with: ${status.exportCommand}` : ''}`.trim() };
      }),
      provider,
      note: provider === 'cpu' ? 'No GPU is in use: edits run on the CPU, which takes minutes per turn with real models.' : null,
    };
  }

  /** The model a pipeline runs: its manifest entry, or the precision variant of it in use (fp32 on CPUs where installed). */
  private modelIdFor(kind: UnetKind): string {
    return this.deps.models().resolve(EDIT_MODELS[kind]);
  }

  private model(kind: UnetKind): Promise<SdModel> {
    const dir = this.deps.models().require(this.modelIdFor(kind));
    return this.models.get(dir, () => SdModel.load(dir, this.deps.pool));
  }

  /** A new project from a picture: stored at its working size as the first turn. */
  async createProject(input: string | Buffer, name: string, kind: 'photo' | 'canvas' = 'photo'): Promise<ProjectView> {
    // A path is read once, as a regular file only (a FIFO named like a picture cannot wedge the engine).
    const bytes = typeof input === 'string' ? await readRegularFile(input) : input;
    const meta = await sharp(bytes)
      .metadata()
      .catch((error: Error) => {
        throw new AppError('BAD_IMAGE', `The picture could not be read: ${error.message}`);
      });
    const rotated = (meta.orientation ?? 1) >= 5;
    const size = workingSize(rotated ? meta.height! : meta.width!, rotated ? meta.width! : meta.height!);
    const png = await encodePng(await decodeRgb(bytes, size));
    const thumb = await thumbnail(png);
    const id = this.store.createProject(name, size.width, size.height, kind);
    try {
      const extension = `.${meta.format === 'jpeg' ? 'jpg' : (meta.format ?? 'img')}`;
      if (kind === 'photo') await this.store.setOriginal(id, bytes, extension, rotated ? meta.height! : meta.width!, rotated ? meta.width! : meta.height!);
      await this.store.addTurn({ projectId: id, parentId: null, pipeline: 'source', instruction: '', negative: '', params: null, modelId: null, provider: null, timings: null, image: png, thumb, mask: null });
    } catch (error) {
      // No project without its source turn (a full disk, a read-only folder): take the row back out.
      await this.store.deleteProject(id).catch(() => undefined);
      throw error;
    }
    return this.store.view(id);
  }

  /** Starts a turn as a job; its result is the project's view with the new turn current. */
  runTurn(request: RunTurn): JobOf<'edit.turn'> {
    const parsed = RunTurnSchema.parse(request);
    const req = { ...parsed, instruction: this.describeConcepts(parsed.instruction), negative: this.describeConcepts(parsed.negative) };
    const view = this.store.view(req.projectId);
    const from = req.fromTurnId ?? view.cursor;
    const parent = this.store.turnRow(from);
    if (parent.project_id !== req.projectId) throw new AppError('INVALID_PARAMS', `Turn ${from} is not in project ${req.projectId}.`);
    const caps = this.capabilities();
    const installed = (p: UnetKind) => caps.pipelines.find((c) => c.pipeline === p)!.installed;
    const pipeline: UnetKind = req.pipeline === 'text2img' ? 'text2img' : req.maskUploadId && installed('inpaint') ? 'inpaint' : 'instruct';
    this.deps.models().require(this.modelIdFor(pipeline));
    const holder = { jobId: '' };
    const count = req.variations;
    const total = req.params.steps * count;
    const job = this.deps.jobs.submit({ kind: 'edit.turn', label: `Edit: “${req.instruction.slice(0, 60)}”${count > 1 ? ` ×${count}` : ''}`, unit: 'steps', total }, async (ctx) => {
      const parentImage = await decodeRgb(this.store.filePath(parent)!);
      const mask = req.maskUploadId ? await decodeMask(this.upload(req.maskUploadId), parentImage.width, parentImage.height) : null;
      if (mask && !mask.data.some((v) => v >= 0.5)) throw new AppError('INVALID_PARAMS', 'The mask is empty: paint where the picture may change, or clear the mask.');
      const maskPng = mask ? await encodeMaskPng(mask) : null;
      // Previews go out in step order, all before the job's result.
      let previews = Promise.resolve();
      const ids: number[] = [];
      for (let v = 0; v < count; v++) {
        // Each variation is a sibling turn with its own seed, so each replays alone; progress runs over all of them.
        const params = { ...req.params, seed: (req.params.seed + v) % 2 ** 31 };
        const offset = v * req.params.steps;
        const onPreview = (step: number, _total: number, preview: Rgb) => {
          previews = previews.then(() => stepPreview(preview).then((png) => this.deps.publishStep({ jobId: holder.jobId, projectId: req.projectId, step: offset + step, total, preview: png }))).catch(() => {});
        };
        const progress = { signal: ctx.signal, progress: (done: number) => ctx.progress(offset + done, total) };
        const { image, timings, modelId, provider } = await this.diffuse(pipeline, parentImage, mask, req.instruction, req.negative, params, progress, onPreview);
        const png = await encodePng(image);
        ids.push(
          await this.store.addTurn({
            projectId: req.projectId,
            parentId: from,
            pipeline,
            instruction: req.instruction,
            typed: parsed.instruction === req.instruction ? null : parsed.instruction,
            negative: req.negative,
            params,
            modelId,
            provider,
            timings,
            image: png,
            thumb: await thumbnail(png),
            mask: maskPng,
          }),
        );
      }
      await previews;
      if (count === 1) return this.store.view(req.projectId);
      return { ...this.store.setCursor(req.projectId, ids[0]!), variations: ids };
    });
    holder.jobId = job.id;
    return job;
  }

  private describeConcepts(text: string): string {
    return this.deps.conceptText?.describe(text) ?? text;
  }

  private upload(id: string): string {
    if (!this.deps.uploads) throw new AppError('UNAVAILABLE', 'Uploads are not available here.');
    return this.deps.uploads.path(id);
  }

  private async diffuse(
    pipeline: UnetKind,
    parent: Rgb,
    mask: Mask | null,
    instruction: string,
    negative: string,
    params: TurnParams,
    ctx: Pick<JobContext, 'signal' | 'progress'> | null,
    onPreview?: (step: number, total: number, preview: Rgb) => void,
  ): Promise<{ image: Rgb; timings: StageTimings; modelId: string; provider: string }> {
    const model = await this.model(pipeline);
    const { image, timings } = await runDiffusion(
      model,
      { pipeline, source: pipeline === 'text2img' ? null : parent, mask: pipeline === 'text2img' ? null : mask, prompt: instruction, negative, ...params, width: parent.width, height: parent.height },
      {
        ...(ctx ? { signal: ctx.signal } : {}),
        onStep: (e) => {
          ctx?.progress(e.step, e.total);
          onPreview?.(e.step, e.total, e.preview());
        },
      },
    );
    // The provider the sessions ran on (after any fallback), not the preferred one: replays match on it.
    return { image, timings, modelId: this.modelIdFor(pipeline), provider: model.provider ?? this.deps.provider() };
  }

  /** Crops a turn at full resolution as a new "Crop" turn (no model runs); the box is kept for export and replay. */
  crop(request: CropRequest): Promise<ProjectView> {
    return addCropTurn(this.store, request, thumbnail);
  }

  /** Pictures from a text with the text-to-image model (square, at most 512 px), e.g. parent-class negatives for concepts. */
  async generate(prompt: string, count: number, seed: number, signal?: AbortSignal, size = 512, steps = 20): Promise<Buffer[]> {
    const model = await this.model('text2img');
    const out: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const { image } = await runDiffusion(
        model,
        { pipeline: 'text2img', source: null, mask: null, prompt, negative: '', steps, textGuidance: 7.5, imageGuidance: 1, strength: 1, seed: seed + i, scheduler: 'dpmpp-2m', width: size, height: size, feather: 0 },
        signal ? { signal } : {},
      );
      out.push(await encodePng(image));
    }
    return out;
  }

  /**
   * A turn at the original's full size (its change upscaled onto the full-resolution original; outside the masks the
   * original's pixels), encoded as asked and written to the project's exports file.
   */
  async exportTurn(request: ExportRequest): Promise<ExportResult> {
    const { projectId, bytes, fileName, width, height, format } = await this.renderTurn(request);
    const url = await this.store.writeExport(projectId, bytes, format === 'jpeg' ? 'jpg' : format);
    return { url, fileName, width, height, bytes: bytes.length };
  }

  /** A turn rendered at full size (see exportTurn), with the file name it is offered under. */
  renderTurn(request: ExportRequest): Promise<RenderedTurn> {
    return renderTurn(this.store, request);
  }

  /** The recipe of the chain up to a turn: the source picture, and each turn's instruction, mask, knobs and model. */
  recipe(turnId: number): Promise<Recipe> {
    return turnRecipe(this.store, turnId, this.deps.provider());
  }

  /**
   * Replays a recipe from its source picture, turn by turn, with the installed models; says whether each result
   * matches the recorded one bit for bit (it does on the same model files and execution provider).
   */
  async replay(raw: unknown, onTurn?: (index: number, total: number) => void): Promise<{ png: Buffer; matches: boolean[] }> {
    const parsed = RecipeSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('INVALID_PARAMS', `That is not a Compose Studio recipe: ${parsed.error.issues[0]?.message ?? 'unreadable'}.`);
    const recipe = parsed.data;
    let image = await decodeRgb(Buffer.from(recipe.source.png, 'base64'));
    let png = await encodePng(image);
    const matches: boolean[] = [];
    for (const [i, turn] of recipe.turns.entries()) {
      onTurn?.(i, recipe.turns.length);
      if (turn.pipeline === 'crop' || !turn.params) image = await replayCrop(image, turn.crop, i);
      else {
        if (EDIT_MODELS[turn.pipeline] !== turn.modelId) this.deps.models().require(turn.modelId);
        const mask = turn.mask ? await decodeMask(Buffer.from(turn.mask, 'base64'), image.width, image.height) : null;
        image = (await this.diffuse(turn.pipeline, image, mask, turn.instruction, turn.negative, turn.params, null)).image;
      }
      png = await encodePng(image);
      matches.push(sha256(png) === turn.resultSha256);
    }
    return { png, matches };
  }

  close(): void {
    this.store.close();
  }
}

/** A default project name from a file path. */
export function projectName(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '') || 'Untitled';
}
