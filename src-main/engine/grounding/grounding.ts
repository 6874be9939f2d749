import { createHash } from 'node:crypto';
import { sharp } from '../shared/native-packages';
import { AppError, GroundedParamsSchema, GroundedRecipeSchema, type GroundedParams, type GroundedRecipe, type NeighbourInput, type NeighbourRef, type NeighbourView } from '@contract';
import { EDIT_MODELS, workingSize } from '../edit/editor';
import { runGrounded } from '../edit/grounded-pipeline';
import { decodeRgb, encodePng, type Rgb } from '../shared/pixels';
import type { StageTimings, StepEvent } from '../edit/pipeline';
import { SdModel } from '../edit/sd-model';
import type { ModelStore } from '../models/model-store';
import type { SessionPool } from '../models/session-pool';
import { retrieveNeighbours, type Neighbour, type NeighbourDeps } from './neighbours';
import { readRegularFile } from '../storage/regular-file';
import { AsyncCache } from '../shared/async-cache';

export const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface GroundingDeps extends NeighbourDeps {
  models: () => ModelStore;
  pool: SessionPool;
  provider: () => string;
  /** Library items with exactly this content. */
  itemsWithHash(hash: string): number[];
  /** Concept photos with exactly this content, across concepts. */
  conceptPhotoWithHash(hash: string): string | null;
  /** A dropped file's path (uploads are content-addressed: the id is the sha256); throws when it is gone. */
  uploadPath(id: string): string;
}

/** A neighbour the user chose: a library item, or a dropped picture (an upload) with the name it had. */
export type { NeighbourInput };

export interface GroundedRun {
  mode: 'create' | 'edit';
  prompt: string;
  negative?: string;
  /** "auto": retrieved for the prompt; otherwise these pictures (pinned library items, dropped files). */
  neighbours: 'auto' | NeighbourInput[];
  /** The picture to edit (edit mode). */
  source?: string | Buffer | null;
  params?: Partial<GroundedParams>;
}

export interface GroundedResult {
  png: Buffer;
  schedule: string;
  neighbours: Neighbour[];
  note: string | null;
  timings: StageTimings;
  recipe: GroundedRecipe;
}

/** A neighbour picture at the canvas size: scaled to cover it and centre-cropped (never stretched). */
export async function neighbourPicture(path: string, width: number, height: number): Promise<Rgb> {
  try {
    const { data, info } = await sharp(await readRegularFile(path)).rotate().removeAlpha().toColourspace('srgb').resize(width, height, { fit: 'cover' }).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new AppError('BAD_IMAGE', `The neighbour ${path} could not be read: ${(error as Error).message}`);
  }
}

/** Grounded generation: neighbours for a prompt, create/edit runs with interleaved guidance, recipes and replay. */
export class Grounding {
  private readonly models = new AsyncCache<string, SdModel>();

  constructor(private readonly deps: GroundingDeps) {}

  private instructModel(): Promise<SdModel> {
    const dir = this.deps.models().require(EDIT_MODELS.instruct);
    return this.models.get(dir, () => SdModel.load(dir, this.deps.pool));
  }

  /** The k neighbours of a prompt (concept photos first, then CLIP + BM25 fused). */
  retrieve(prompt: string, k: number): Promise<{ neighbours: Neighbour[]; note: string | null }> {
    return retrieveNeighbours(this.deps, prompt, k);
  }

  /** Chosen neighbours: library items, or uploads (named as library items when the library holds the same content). */
  async chosen(inputs: NeighbourInput[]): Promise<Neighbour[]> {
    return Promise.all(
      inputs.map(async (input, i) => {
        if ('itemId' in input) {
          const item = this.deps.item(input.itemId);
          return { source: 'library', path: item.path, name: item.name, sha256: item.hash, itemId: input.itemId, thumb: item.thumb ?? null } satisfies Neighbour;
        }
        if ('sha256' in input) return this.locate({ source: 'concept', name: input.name, sha256: input.sha256, path: '' }, i);
        const path = this.deps.uploadPath(input.uploadId);
        const itemId = this.deps.itemsWithHash(input.uploadId)[0] ?? null;
        return { source: itemId === null ? 'file' : 'library', path, name: input.name ?? 'dropped picture', sha256: input.uploadId, itemId } satisfies Neighbour;
      }),
    );
  }

  async run(request: GroundedRun, options: { signal?: AbortSignal; onStep?: (event: StepEvent) => void } = {}): Promise<GroundedResult> {
    const checked = GroundedParamsSchema.safeParse(request.params ?? {});
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new AppError('INVALID_PARAMS', `Grounded generation: ${issue.path.join('.') || 'params'}: ${issue.message}.`);
    }
    const params = checked.data;
    if (request.mode === 'edit' && !request.source) throw new AppError('INVALID_PARAMS', 'A grounded edit needs a picture to edit.');
    const model = await this.instructModel();
    const { neighbours, note } = request.neighbours === 'auto' ? await this.retrieve(request.prompt, params.k) : { neighbours: await this.chosen(request.neighbours), note: null };
    if (neighbours.length === 0) throw new AppError('NOT_FOUND', `No neighbours found for “${request.prompt}”: index a library folder, name a concept (*name), or give pictures.`);
    // The Stable Diffusion text encoder has no concept tokens: "*name" reaches it as the concept's words (recorded so).
    const prompt = this.deps.describe(request.prompt);
    const negative = this.deps.describe(request.negative ?? '');
    return this.execute(model, request.mode, prompt, negative, params, neighbours, request.source ?? null, note, options);
  }

  private async execute(
    model: SdModel,
    mode: 'create' | 'edit',
    prompt: string,
    negative: string,
    params: GroundedParams,
    neighbours: Neighbour[],
    sourceInput: string | Buffer | null,
    note: string | null,
    options: { signal?: AbortSignal; onStep?: (event: StepEvent) => void },
  ): Promise<GroundedResult> {
    let source: Rgb | null = null;
    if (mode === 'edit') {
      const meta = await sharp(sourceInput!).metadata().catch((e: Error) => {
        throw new AppError('BAD_IMAGE', `The picture could not be read: ${e.message}`);
      });
      const rotated = (meta.orientation ?? 1) >= 5;
      source = await decodeRgb(sourceInput!, workingSize(rotated ? meta.height! : meta.width!, rotated ? meta.width! : meta.height!));
    }
    const width = source?.width ?? Math.max(model.sizeMultiple, Math.round(params.width / model.sizeMultiple) * model.sizeMultiple);
    const height = source?.height ?? Math.max(model.sizeMultiple, Math.round(params.height / model.sizeMultiple) * model.sizeMultiple);
    const pictures = await Promise.all(neighbours.map((n) => neighbourPicture(n.path, width, height)));
    const refs: NeighbourRef[] = await Promise.all(neighbours.map(async (n) => ({ source: n.source, name: n.name, path: n.path, sha256: n.sha256 ?? sha256(await readRegularFile(n.path)) })));
    const { image, timings, schedule } = await runGrounded(
      model,
      { mode, source, neighbours: pictures, prompt, negative, steps: params.steps, guidance: params.guidance, eta: params.eta, mix: params.mix, seed: params.seed, scheduler: params.scheduler, width, height },
      options,
    );
    const png = await encodePng(image);
    const sourcePng = source ? await encodePng(source) : null;
    const recipe: GroundedRecipe = {
      format: 'compose-studio.grounded-recipe',
      version: 1,
      createdAt: new Date().toISOString(),
      // The provider the sessions ran on (after any fallback), not the preferred one: replays match on it.
      provider: model.provider ?? this.deps.provider(),
      modelId: EDIT_MODELS.instruct,
      mode,
      prompt,
      negative,
      params,
      schedule,
      neighbours: refs,
      source: sourcePng && source ? { width: source.width, height: source.height, sha256: sha256(sourcePng), png: sourcePng.toString('base64') } : null,
      resultSha256: sha256(png),
      timings,
    };
    return { png, schedule, neighbours: neighbours.map((n, i) => ({ ...n, sha256: refs[i]!.sha256 })), note, timings, recipe };
  }

  /** Where a recorded neighbour is now, by its content: among dropped files, in the library, or a concept's photos. */
  private locate(ref: NeighbourRef, index: number): Neighbour {
    const dropped = this.uploadWithHash(ref.sha256);
    if (dropped) return { ...ref, path: dropped, itemId: null };
    const itemId = this.deps.itemsWithHash(ref.sha256)[0];
    if (itemId !== undefined) return { ...ref, path: this.deps.item(itemId).path, itemId };
    const conceptPhoto = this.deps.conceptPhotoWithHash(ref.sha256);
    if (conceptPhoto) return { ...ref, path: conceptPhoto, itemId: null };
    throw new AppError('NOT_FOUND', `Neighbour ${index + 1}, “${ref.name}” (sha256 ${ref.sha256.slice(0, 12)}…), is missing: no dropped file, library photo or concept photo has that content. Add it to the library and replay again.`, {
      neighbour: index + 1,
      name: ref.name,
      sha256: ref.sha256,
    });
  }

  private uploadWithHash(hash: string): string | null {
    try {
      return this.deps.uploadPath(hash);
    } catch {
      return null;
    }
  }

  /** Replays a grounded recipe with the same neighbours (found by content); says whether the result matches bit for bit. */
  async replay(raw: unknown): Promise<{ png: Buffer; matches: boolean; schedule: string }> {
    const parsed = GroundedRecipeSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('INVALID_PARAMS', `That is not a grounded recipe: ${parsed.error.issues[0]?.message ?? 'unreadable'}.`);
    const recipe = parsed.data;
    if (recipe.modelId !== EDIT_MODELS.instruct) this.deps.models().require(recipe.modelId);
    const neighbours: Neighbour[] = [];
    for (const [i, ref] of recipe.neighbours.entries()) neighbours.push(this.locate(ref, i));
    const model = await this.instructModel();
    const source = recipe.source ? Buffer.from(recipe.source.png, 'base64') : null;
    const result = await this.execute(model, recipe.mode, recipe.prompt, recipe.negative, recipe.params, neighbours, source, null, {});
    if (result.schedule !== recipe.schedule) throw new AppError('INTERNAL', `The schedule differs from the recorded one (${result.schedule} vs ${recipe.schedule}).`);
    return { png: result.png, matches: sha256(result.png) === recipe.resultSha256, schedule: result.schedule };
  }
}

/** A neighbour as the Edit area's strip shows it. */
export function neighbourView(n: Neighbour): NeighbourView {
  return { source: n.source, name: n.name, itemId: n.itemId, sha256: n.sha256, thumb: n.thumb ?? null, ...(n.concept ? { concept: n.concept } : {}) };
}
