import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '@contract';
import { findAnnotation, readAnnotation, requireImages } from './files';

const PervlSchema = z.object({
  concepts: z
    .array(
      z.object({
        name: z.string().regex(/^[\p{L}\p{N}_-]+$/u),
        parent: z.string().min(1),
        train: z.array(z.string()).min(1),
        /** Pictures of the parent class that are not the concept (the paper generates these); optional. */
        negatives: z.array(z.string()).optional(),
      }),
    )
    .min(1),
  queries: z.array(z.object({ concept: z.string(), text: z.string().min(1), targets: z.array(z.string()).min(1) })).min(1),
  /** Every image searched; defaults to all images the queries and concepts name. */
  gallery: z.array(z.string()).optional(),
});

export interface PervlSet {
  concepts: { name: string; parent: string; train: string[]; negatives: string[] }[];
  /** `text` names the concept as *name. */
  queries: { concept: string; text: string; targets: string[] }[];
  gallery: string[];
}

/**
 * A PerVL-style concept-retrieval set (docs/eval-formats.md): pervl.json with concepts (name, parent word, training
 * photos), queries ("a photo of *name on the beach" → target photos) and the gallery; paths relative to the folder.
 */
export async function loadPervl(dir: string): Promise<PervlSet> {
  const raw = await readAnnotation(await findAnnotation(dir, '.', 'pervl'), PervlSchema);
  const abs = (p: string) => join(dir, p);
  const names = new Set(raw.concepts.map((c) => c.name));
  const unknown = raw.queries.find((q) => !names.has(q.concept));
  if (unknown) throw new AppError('INVALID_PARAMS', `A query names the concept “${unknown.concept}”, which pervl.json does not define.`);
  const gallery = (raw.gallery ?? [...new Set(raw.queries.flatMap((q) => q.targets))]).map(abs);
  const set: PervlSet = {
    concepts: raw.concepts.map((c) => ({ ...c, train: c.train.map(abs), negatives: (c.negatives ?? []).map(abs) })),
    queries: raw.queries.map((q) => ({ ...q, targets: q.targets.map(abs) })),
    gallery: [...new Set([...gallery, ...raw.queries.flatMap((q) => q.targets.map(abs))])],
  };
  requireImages([...set.gallery, ...set.concepts.flatMap((c) => [...c.train, ...c.negatives])], `Put the images beside pervl.json as its paths say.`);
  return set;
}

/** The query with the concept replaced by its parent word ("a photo of *mymug" → "a photo of mug"). */
export function withParentWord(text: string, concept: { name: string; parent: string }): string {
  return text.replaceAll(`*${concept.name}`, concept.parent);
}
