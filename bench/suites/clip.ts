import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureFixtures, ensureRealSizeClip } from '../../models/fixtures';
import { ClipModel } from '../../src-main/engine/clip/clip-model';
import { SessionPool } from '../../src-main/engine/models/session-pool';
import { measure, type Sample } from '../measure';

export interface ClipVariant {
  name: string;
  dir: string;
}

const QUERIES = ['a red circle', 'a photo of a cat on a sofa', 'a small blue square on the left', 'green', 'a wooden table in a bright room'];

/**
 * Image-encode throughput (preprocessing included, batches of 16) and single-query text-encode latency, for each CLIP
 * variant × execution provider: the scene fixture, the real-size ViT-B/32 with random weights (the real compute cost),
 * and real weights where installed.
 */
export async function clipEncoding(providers: string[], realWeightsDir: string | null, log: (line: string) => void): Promise<Sample[]> {
  const root = process.cwd();
  const paths = await ensureFixtures(root, log);
  const variants: ClipVariant[] = [
    { name: 'scene fixture', dir: paths.sceneClip },
    { name: 'ViT-B/32 size, random weights', dir: await ensureRealSizeClip(root, log) },
  ];
  if (realWeightsDir) variants.push({ name: 'ViT-B/32 real weights', dir: realWeightsDir });
  const labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8')) as { file: string }[];
  const images = labels.slice(0, 16).map((l) => join(paths.world, l.file));

  const samples: Sample[] = [];
  for (const provider of providers) {
    for (const variant of variants) {
      const pool = new SessionPool({ providers: [provider] });
      try {
        const clip = await ClipModel.load(variant.dir, pool);
        const label = `${variant.name} · ${provider}`;
        log(`bench: ${label}`);
        samples.push(await measure('CLIP image encode (16/batch)', label, () => clip.encodeImages(images, { batchSize: 16 }), 4, 1, images.length));
        let q = 0;
        samples.push(await measure('CLIP text encode (1 query)', label, () => clip.encodeTexts([QUERIES[q++ % QUERIES.length]!]), 40, 5));
      } finally {
        await pool.release();
      }
    }
  }
  return samples;
}
