import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parsePreprocessConfig } from '../clip/preprocess';
import { processImage, THUMB_SIZE } from './file-processor';

const MOBILECLIP = parsePreprocessConfig({ size: { shortest_edge: 256 }, crop_size: { height: 256, width: 256 }, do_normalize: false, resample: 2 });
const SQUASH = parsePreprocessConfig({ size: { height: 64, width: 64 }, do_center_crop: false });

async function photo(dir: string, width: number, height: number): Promise<string> {
  const file = join(dir, `p${width}x${height}.jpg`);
  await writeFile(file, await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg().toBuffer());
  return file;
}

describe('processImage with a model’s preprocessing', () => {
  it('derives a MobileCLIP input (256², no mean/std) and the thumbnail from one decode', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-proc-'));
    const facts = await processImage(await photo(dir, 1024, 512), join(dir, 'thumbs'), MOBILECLIP);
    expect(facts.clipInput).toHaveLength(3 * 256 * 256);
    expect(facts.clipInput[100]).toBeCloseTo(200 / 255, 1);
    expect([facts.width, facts.height]).toEqual([1024, 512]);
    const thumb = await sharp(join(dir, 'thumbs', facts.thumb)).metadata();
    expect([thumb.width, thumb.height]).toEqual([THUMB_SIZE, THUMB_SIZE / 2]);
  });

  it('keeps the photo’s aspect in the thumbnail when the model squashes to an exact size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-proc-'));
    const facts = await processImage(await photo(dir, 600, 300), join(dir, 'thumbs'), SQUASH);
    expect(facts.clipInput).toHaveLength(3 * 64 * 64);
    const thumb = await sharp(join(dir, 'thumbs', facts.thumb)).metadata();
    expect(thumb.width! / thumb.height!).toBeCloseTo(2, 1);
    expect(thumb.width! * thumb.height!).toBeLessThanOrEqual(64 * 64 + 64); // never more pixels than the decode held
  });
});
