import sharp from 'sharp';
import { withMpfPreview } from '../../models/generators/embedded-preview';
import { CLIP_PREPROCESS, cropAndNormalize, decodeForClip } from '../../src-main/engine/clip/preprocess';
import { decodeForIndex } from '../../src-main/engine/library/embedded-preview';
import { MAX_PIXELS } from '../../src-main/engine/library/file-processor';
import { measure, type Sample } from '../measure';

/** A 12-MP JPEG (4000×3000) with structure and grain, as the indexing bench makes them. */
async function photo(): Promise<Buffer> {
  const circles = Array.from({ length: 12 }, (_, i) => `<circle cx="${(i * 977) % 4000}" cy="${(i * 613) % 3000}" r="${150 + ((i * 131) % 500)}" fill="hsl(${i * 30},60%,50%)"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><defs><linearGradient id="g"><stop offset="0" stop-color="#345"/><stop offset="1" stop-color="#dca"/></linearGradient></defs><rect width="4000" height="3000" fill="url(#g)"/>${circles}</svg>`;
  const noise = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 12 } } }).png().toBuffer();
  return sharp(Buffer.from(svg)).composite([{ input: noise, blend: 'overlay' }]).jpeg({ quality: 88 }).toBuffer();
}

/**
 * Decode + CLIP preprocessing of one 12-MP JPEG as indexing does it: the full image with shrink-on-load, the same
 * file carrying a camera-style 1600×1200 MPF preview (decoded instead), and the plain file through the preview-aware
 * path (the cost of looking for a preview where there is none).
 */
export async function embeddedPreviewDecode(log: (line: string) => void): Promise<Sample[]> {
  const main = await photo();
  const camera = withMpfPreview(main, await sharp(main).resize(1600, 1200).jpeg({ quality: 85 }).toBuffer());
  log(`bench: embedded preview — 12-MP JPEG ${(main.length / 1e6).toFixed(1)} MB, with its MPF preview ${(camera.length / 1e6).toFixed(1)} MB`);
  const suite = 'decode + preprocess, 12-MP JPEG';
  return [
    await measure(suite, 'full image, shrink-on-load (no preview)', async () => cropAndNormalize(await decodeForClip(main, CLIP_PREPROCESS, MAX_PIXELS)), 20, 2),
    await measure(suite, 'embedded 1600×1200 MPF preview', async () => cropAndNormalize((await decodeForIndex(camera, CLIP_PREPROCESS, MAX_PIXELS)).decoded), 20, 2),
    await measure(suite, 'no preview, looked for first', async () => cropAndNormalize((await decodeForIndex(main, CLIP_PREPROCESS, MAX_PIXELS)).decoded), 20, 2),
  ];
}
