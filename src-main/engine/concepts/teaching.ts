import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../shared/native-packages';
import { AppError, thumbUrl, type Concept, type JobOf } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import type { TrainedConcept } from '../storage/library/concepts-repository';
import { writeFileAtomic } from '../storage/atomic-write';
import { readRegularFile } from '../storage/regular-file';
import { nearestWords, singleToken, type AttributeSpace } from './attribute-space';
import type { ConceptsDeps } from './concepts';
import { pickNegatives } from './gair';
import { parentFeature, teach, TEMPLATES } from './trainer';

/** The subspace's dimension: chosen by the study in README (MRR on the generated PerVL-style set). */
export const DEFAULT_DIMENSIONS = 16;
const MAX_NEGATIVES = 32;
/** How many parent-class pictures to generate when asked. */
const GENERATED_NEGATIVES = 4;

export interface TrainingPlan {
  label: string;
  parent: string;
  photos: { path: string; thumb: string | null; dropped?: true }[];
  seed: number;
  generateNegatives: boolean;
}

/** What training needs besides the engine's deps: the attribute subspaces (cached by Concepts). */
export interface TrainingContext {
  deps: ConceptsDeps;
  space(clip: ClipModel): Promise<AttributeSpace>;
  rankedSpace(clip: ClipModel, k: number, parent: string, photos: Float32Array[]): Promise<AttributeSpace>;
}

/**
 * Reads and checks the photos, then teaches a token as a job. `store` writes the finished concept and returns its id;
 * `finished` turns that id into the job's result. Nothing is stored unless the training finishes.
 */
export async function startTraining(context: TrainingContext, plan: TrainingPlan, store: (concept: TrainedConcept) => number, finished: (id: number) => Concept): Promise<JobOf<'concepts.teach'>> {
  const { deps } = context;
  const { photos, parent } = plan;
  const model = deps.servingModel();
  const clip = await deps.clip(model);
  if (!clip) deps.requireModel(model);
  const parentTokens = clip!.tokenizer.encode(parent).length - 2;
  if (singleToken(clip!.tokenizer, parent) === null) {
    throw new AppError('INVALID_PARAMS', `“${parent}” is ${parentTokens} tokens for the text encoder; use a one-word parent such as “mug” or “dress”.`);
  }
  // Read once, as regular files only (a library photo swapped for a FIFO cannot hang teaching).
  const bytes = await Promise.all(photos.map((p) => readRegularFile(p.path, { timeoutMs: 60_000 })));
  const hashes = bytes.map((b) => createHash('sha256').update(b).digest('hex'));
  for (let i = 0; i < hashes.length; i++) {
    const j = hashes.indexOf(hashes[i]!);
    if (j !== i) throw new AppError('INVALID_PARAMS', `Photos ${j + 1} and ${i + 1} are the same picture; use different photos of the concept.`);
  }
  const job: JobOf<'concepts.teach'> = deps.jobs.submit({ kind: 'concepts.teach', label: plan.label, unit: 'generations', total: 120 }, async (ctx) => {
    const encoded = await clip!.encodeImages(bytes);
    const positives = encoded.map((e, i) => {
      if (!e.ok) throw new AppError('BAD_IMAGE', `Photo ${i + 1} (${photos[i]!.dropped ? 'a dropped picture' : photos[i]!.path}) could not be read: ${e.error.message}`);
      return e.embedding;
    });
    const negatives = await libraryNegatives(deps, clip!, model, parent, positives);
    let generated = 0;
    if (plan.generateNegatives) {
      if (!deps.generate) throw new AppError('UNAVAILABLE', 'This studio cannot generate pictures.');
      const pictures = await deps.generate(TEMPLATES[0]!.replace('{}', parent), GENERATED_NEGATIVES, plan.seed, ctx.signal);
      for (const result of await clip!.encodeImages(pictures)) {
        if (!result.ok) continue;
        negatives.push(result.embedding);
        generated++;
      }
    }
    // The concept's own subspace: the attribute words most like its photos (MRR on the PerVL-style set: README).
    const space = await context.rankedSpace(clip!, DEFAULT_DIMENSIONS, parent, positives);
    const curve: number[] = [];
    const result = await teach({
      clip: clip!,
      space,
      parent,
      positives,
      negatives,
      seed: plan.seed,
      signal: ctx.signal,
      onGeneration: async (stats, best) => {
        ctx.progress(stats.generation, 120);
        curve.push(stats.bestLoss);
        const matches = stats.generation % 5 === 1 ? await deps.searchByVector(best, model, clip!, 8) : null;
        deps.publishProgress({ jobId: job.id, generation: stats.generation, bestLoss: stats.bestLoss, accuracy: stats.accuracy, curve: [...curve], matches: matches ?? [] });
      },
    });
    const thumbs = await Promise.all(photos.map((p, i) => p.thumb ?? conceptThumb(deps.thumbDir, bytes[i]!, hashes[i]!)));
    const stats: Concept['stats'] = {
      generations: result.stats.generation,
      evaluations: result.stats.evaluations,
      textsEncoded: result.stats.textsEncoded,
      loss: result.stats.bestLoss,
      accuracy: result.stats.accuracy,
      seconds: result.stats.seconds,
      negatives: negatives.length,
      generatedNegatives: generated,
      dimensions: space.basis.length,
    };
    // Explained by the curated word list (readable words), whichever subspace the token was searched in.
    const explanation = nearestWords(await context.space(clip!), result.embedding, 8);
    const id = store({
      model,
      basisId: space.id,
      z: result.z,
      embedding: result.embedding,
      positives,
      attributes: explanation,
      photos: thumbs.map((thumb, i) => ({ thumb, path: photos[i]!.path, sha256: hashes[i]! })),
      stats,
    });
    return finished(id);
  });
  return job;
}

/** A thumbnail for a dropped photo, in the thumbnail cache (served under /thumbs/). */
async function conceptThumb(thumbDir: string, path: string | Buffer, sha: string): Promise<string> {
  const name = `concepts/${sha.slice(0, 24)}.webp`;
  await mkdir(join(thumbDir, 'concepts'), { recursive: true });
  await writeFileAtomic(join(thumbDir, name), await sharp(path).rotate().resize(256, 256, { fit: 'inside' }).webp().toBuffer());
  return thumbUrl(name);
}

/**
 * Parent-class negatives from the library: the photos that "a photo of a <parent>" finds first, minus the training
 * photos, their near-duplicates (cosine ≥ 0.95), and photos within the training photos' own spread.
 */
async function libraryNegatives(deps: ConceptsDeps, clip: ClipModel, model: string, parent: string, positives: Float32Array[]): Promise<Float32Array[]> {
  const items = await deps.searchByVector(await parentFeature(clip, parent), model, clip, MAX_NEGATIVES * 2).catch(() => []);
  const candidates = items.flatMap((item) => deps.embeddingOf(item.id, model) ?? []);
  return pickNegatives(positives, candidates, MAX_NEGATIVES);
}
