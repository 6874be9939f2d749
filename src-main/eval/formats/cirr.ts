import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { findAnnotation, readAnnotation, requireImages } from './files';

const CaptionSchema = z.array(
  z.object({
    pairid: z.number().int(),
    reference: z.string(),
    caption: z.string(),
    target_hard: z.string().optional(),
    target_soft: z.record(z.string(), z.number()).optional(),
    img_set: z.object({ id: z.number().int(), members: z.array(z.string()).min(1), reference_rank: z.number().int().optional(), target_rank: z.number().int().optional() }),
  }),
);
const SplitSchema = z.record(z.string(), z.string());

export interface CirrQuery {
  pairid: number;
  reference: string;
  caption: string;
  /** Absent in the test split. */
  target: string | null;
  /** The img_set members (for Recall_subset). */
  members: string[];
}

export interface CirrSet {
  split: string;
  queries: CirrQuery[];
  /** Image id → file. */
  images: Map<string, string>;
  captionFile: string;
}

/**
 * The CIRR annotation layout (github.com/Cuberick-Orion/CIRR): captions/cap.rc2.<split>.json and
 * image_splits/split.rc2.<split>.json, image paths relative to the image root (`images`, default the data folder, or its
 * img_raw/ sub-folder).
 */
export async function loadCirr(dir: string, split = 'val', images?: string): Promise<CirrSet> {
  const captionFile = await findAnnotation(dir, 'captions', `cap.rc2.${split}`);
  const entries = await readAnnotation(captionFile, CaptionSchema);
  const splitMap = await readAnnotation(await findAnnotation(dir, 'image_splits', `split.rc2.${split}`), SplitSchema);
  const roots = images ? [images] : [dir, join(dir, 'img_raw')];
  const root = roots.find((r) => Object.values(splitMap).some((p) => existsSync(join(r, p)))) ?? roots[0]!;
  const imageMap = new Map(Object.entries(splitMap).map(([id, rel]) => [id, join(root, rel)]));
  requireImages(imageMap.values(), `CIRR images come from NLVR2 (see github.com/Cuberick-Orion/CIRR); put them under ${root} as the split file says, or pass --images DIR.`);
  return {
    split,
    captionFile,
    images: imageMap,
    queries: entries.map((e) => ({ pairid: e.pairid, reference: e.reference, caption: e.caption, target: e.target_hard ?? null, members: e.img_set.members })),
  };
}
