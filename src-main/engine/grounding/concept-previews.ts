import { AppError } from '@contract';
import type { Concepts } from '../concepts/concepts';
import type { JobContext } from '../jobs/runner';
import type { Grounding } from './grounding';

/** Small and short: previews show what "*name" generates, not finished pictures. */
export const PREVIEW_PARAMS = { width: 96, height: 96, steps: 8, guidance: 7.5, eta: 0.3 } as const;
export const PREVIEW_COUNT = 3;

export interface ConceptPreview {
  seed: number;
  /** A PNG data URL (previews are small and not kept). */
  image: string;
}

/**
 * Grounded creations of "*name" from the concept's own photos (they are its neighbours), one per seed from `seed`
 * on: the same concept, photos and seed give the same picture. Progress counts pictures; cancelable between them.
 */
export async function conceptPreviews(
  deps: { concepts: Pick<Concepts, 'photoFiles'>; grounding: Pick<Grounding, 'run'> },
  name: string,
  seed: number,
  ctx: Pick<JobContext, 'signal' | 'progress' | 'throwIfCancelled'>,
  count = PREVIEW_COUNT,
): Promise<{ name: string; previews: ConceptPreview[] }> {
  const photos = deps.concepts.photoFiles(name);
  if (!photos) throw new AppError('NOT_FOUND', `No concept “*${name}”.`);
  if (photos.length === 0) throw new AppError('UNAVAILABLE', `*${name} has no photos stored (imported?), so it cannot ground previews.`);
  const previews: ConceptPreview[] = [];
  ctx.progress(0, count);
  for (let i = 0; i < count; i++) {
    ctx.throwIfCancelled();
    const { png } = await deps.grounding.run(
      { mode: 'create', prompt: `*${name}`, neighbours: 'auto', params: { ...PREVIEW_PARAMS, k: Math.min(8, photos.length), seed: seed + i } },
      { signal: ctx.signal },
    );
    previews.push({ seed: seed + i, image: `data:image/png;base64,${png.toString('base64')}` });
    ctx.progress(i + 1, count);
  }
  return { name, previews };
}
