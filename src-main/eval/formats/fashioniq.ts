import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '@contract';
import { findAnnotation, readAnnotation, requireImages } from './files';

const CaptionSchema = z.array(z.object({ candidate: z.string(), target: z.string().optional(), captions: z.array(z.string()).min(1) }));
const SplitSchema = z.array(z.string());
const EXTENSIONS = ['.jpg', '.png', '.jpeg', '.webp'];

export interface FashionIqQuery {
  candidate: string;
  target: string | null;
  /** CLIP4Cir's query text: the two captions joined by “and”. */
  text: string;
}

export interface FashionIqCategory {
  name: string;
  queries: FashionIqQuery[];
  /** The category's gallery: image id → file. */
  images: Map<string, string>;
}

/** CLIP4Cir's convention: "<first caption, capitalized> and <second caption>", stripped of stray punctuation. */
export function joinCaptions(captions: string[]): string {
  const clean = captions.map((c) => c.trim().replace(/^[.?,\s]+|[.?,\s]+$/g, ''));
  const [first = '', ...rest] = clean;
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].filter(Boolean).join(' and ');
}

async function categoriesIn(dir: string, split: string): Promise<string[]> {
  const found = new Set<string>();
  for (const folder of [join(dir, 'captions'), dir]) {
    if (!existsSync(folder)) continue;
    for (const name of await readdir(folder)) {
      const match = /^cap\.([^.]+)\.([^.]+)(\..+)?\.json$/.exec(name);
      if (match && match[2] === split) found.add(match[1]!);
    }
  }
  return [...found].sort();
}

/**
 * The FashionIQ layout (github.com/XiaoxiaoGuo/fashion-iq): captions/cap.<category>.<split>.json,
 * image_splits/split.<category>.<split>.json, images/<id>.jpg (or `images`).
 */
export async function loadFashionIq(dir: string, split = 'val', images?: string, only?: string[]): Promise<FashionIqCategory[]> {
  const names = only?.length ? only : await categoriesIn(dir, split);
  if (names.length === 0) throw new AppError('NOT_FOUND', `No FashionIQ caption files (captions/cap.<category>.${split}.json) in ${dir}.`);
  const root = images ?? join(dir, 'images');
  const out: FashionIqCategory[] = [];
  for (const name of names) {
    const entries = await readAnnotation(await findAnnotation(dir, 'captions', `cap.${name}.${split}`), CaptionSchema);
    const ids = await readAnnotation(await findAnnotation(dir, 'image_splits', `split.${name}.${split}`), SplitSchema);
    const fileOf = (id: string) => EXTENSIONS.map((e) => join(root, `${id}${e}`)).find((p) => existsSync(p)) ?? join(root, `${id}.jpg`);
    const imageMap = new Map(ids.map((id) => [id, fileOf(id)]));
    for (const e of entries) for (const id of [e.candidate, e.target]) if (id && !imageMap.has(id)) imageMap.set(id, fileOf(id));
    requireImages(imageMap.values(), `FashionIQ images are downloaded from the asin2url lists (many links are dead); put them in ${root} as <id>.jpg, or pass --images DIR.`);
    out.push({ name, images: imageMap, queries: entries.map((e) => ({ candidate: e.candidate, target: e.target ?? null, text: joinCaptions(e.captions) })) });
  }
  return out;
}
