import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { withMpfPreview } from '../../models/generators/embedded-preview';
import { CLIP_PREPROCESS, cropAndNormalize, decodeForClip } from '../../src-main/engine/clip/preprocess';
import { decodeForIndex } from '../../src-main/engine/library/embedded-preview';
import { MAX_PIXELS } from '../../src-main/engine/library/file-processor';
import { measure, type Sample } from '../measure';
import { twelveMegapixelJpegs } from './twelve-megapixel-photos';

/**
 * Decode + CLIP preprocessing of one 12-MP JPEG as indexing does it: the full image with shrink-on-load, the same
 * file carrying a camera-style 1600×1200 MPF preview (decoded instead), and the plain file through the preview-aware
 * path (the cost of looking for a preview where there is none).
 */
export async function embeddedPreviewDecode(log: (line: string) => void): Promise<Sample[]> {
  // The first of the indexing bench's photos (generated once, cached).
  const main = await readFile((await twelveMegapixelJpegs(48, log))[0]!);
  const camera = withMpfPreview(main, await sharp(main).resize(1600, 1200).jpeg({ quality: 85 }).toBuffer());
  log(`bench: embedded preview — 12-MP JPEG ${(main.length / 1e6).toFixed(1)} MB, with its MPF preview ${(camera.length / 1e6).toFixed(1)} MB`);
  const suite = 'decode + preprocess, 12-MP JPEG';
  return [
    await measure(suite, 'full image, shrink-on-load (no preview)', async () => cropAndNormalize(await decodeForClip(main, CLIP_PREPROCESS, MAX_PIXELS)), 20, 2),
    await measure(suite, 'embedded 1600×1200 MPF preview', async () => cropAndNormalize((await decodeForIndex(camera, CLIP_PREPROCESS, MAX_PIXELS)).decoded), 20, 2),
    await measure(suite, 'no preview, looked for first', async () => cropAndNormalize((await decodeForIndex(main, CLIP_PREPROCESS, MAX_PIXELS)).decoded), 20, 2),
  ];
}
