import { AppError } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import { mentions } from '../concepts/concept-text';
import type { Concepts } from '../concepts/concepts';
import { chooseGairWeightByGeneration } from '../concepts/gair';
import { EDIT_MODELS } from '../edit/editor';
import type { ModelStore } from '../models/model-store';
import type { Grounding } from './grounding';

export interface GairChoice {
  w: number;
  scores: { w: number; score: number }[];
  /** 'generated': Algorithm 1 with grounded creations; 'retrieval': library photos stood in (no SD model installed). */
  method: 'generated' | 'retrieval';
  proxy: string;
}

/** Cheap creations: Algorithm 1 only compares CLIP features, so a small, short, seeded run is enough. */
export const GAIR_GENERATION = { width: 64, height: 64, steps: 6, seed: 0, guidance: 7.5 } as const;

/**
 * GAIR's w for a query naming a concept. With the instruction model installed, Algorithm 1 runs on generated images: a
 * grounded creation of the query with the concept's photos as neighbours, where w is the concept's share of the steps
 * (η = 1 − w text-enhanced steps, the text being the concept's attribute words); w = 0 gives the context image. Without
 * it, retrieved library photos stand in for generated ones.
 */
export async function chooseGairW(
  deps: { concepts: Pick<Concepts, 'autoGair' | 'photoFiles'>; grounding: Pick<Grounding, 'run'>; models: Pick<ModelStore, 'status'> },
  clip: ClipModel,
  model: string,
  text: string,
  signal?: AbortSignal,
): Promise<GairChoice> {
  if (!deps.models.status(EDIT_MODELS.instruct).installed) {
    const chosen = await deps.concepts.autoGair(clip, model, text);
    return { ...chosen, method: 'retrieval' };
  }
  const name = mentions(text)[0];
  if (!name) throw new AppError('INVALID_PARAMS', 'The query names no concept (*name).');
  const files = deps.concepts.photoFiles(name);
  if (!files) throw new AppError('NOT_FOUND', `No concept “*${name}”.`);
  if (files.length === 0) throw new AppError('UNAVAILABLE', `*${name} has no training photos stored (imported?), so w cannot be chosen automatically.`);
  const embed = async (input: string | Buffer) => {
    const [result] = await clip.encodeImages([input]);
    if (!result!.ok) throw new AppError('BAD_IMAGE', result!.error.message);
    return result!.embedding;
  };
  const photos = await Promise.all(files.map((f) => embed(f.path)));
  const k = Math.min(8, files.length);
  const generatedAt = async (w: number) => {
    if (signal?.aborted) throw signal.reason;
    const { png } = await deps.grounding.run({ mode: 'create', prompt: text, neighbours: 'auto', params: { ...GAIR_GENERATION, k, eta: 1 - w } }, { signal });
    return embed(png);
  };
  const chosen = await chooseGairWeightByGeneration(generatedAt, photos);
  return { ...chosen, method: 'generated', proxy: `scored on ${GAIR_GENERATION.width} px grounded creations of the query from *${name}'s photos (${GAIR_GENERATION.steps} steps, seed ${GAIR_GENERATION.seed})` };
}
