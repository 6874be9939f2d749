import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { withMpfPreview } from '../../../models/generators/embedded-preview';
import { parsePreprocessConfig, preprocessImage } from '../clip/preprocess';
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

describe('processImage with a camera’s embedded preview', () => {
  const solid = (width: number, height: number, background: { r: number; g: number; b: number }) => sharp({ create: { width, height, channels: 3, background } }).jpeg().toBuffer();

  it('takes the CLIP input and the thumbnail from the preview, the hash and size from the whole file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-proc-'));
    const preview = await solid(600, 400, { r: 20, g: 40, b: 230 });
    const file = withMpfPreview(await solid(1800, 1200, { r: 200, g: 40, b: 40 }), preview);
    await writeFile(join(dir, 'camera.jpg'), file);
    const facts = await processImage(join(dir, 'camera.jpg'), join(dir, 'thumbs'));
    expect(facts.preview).toEqual({ width: 600, height: 400 });
    expect([facts.width, facts.height, facts.format]).toEqual([1800, 1200, 'jpeg']);
    expect(facts.hash).toBe(createHash('sha256').update(file).digest('hex'));
    const fromPreview = await preprocessImage(preview);
    expect(facts.clipInput.reduce((worst, v, i) => Math.max(worst, Math.abs(v - fromPreview[i]!)), 0)).toBeLessThan(1e-5);
    const thumb = sharp(join(dir, 'thumbs', facts.thumb));
    expect(await thumb.metadata()).toMatchObject({ width: THUMB_SIZE, height: 213 });
    const { dominant } = await thumb.stats();
    expect(dominant.b).toBeGreaterThan(150);
    expect(dominant.r).toBeLessThan(100);
  });

  it('says nothing of a preview after a full decode', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-proc-'));
    const facts = await processImage(await photo(dir, 600, 400), join(dir, 'thumbs'));
    expect(facts.preview).toBeNull();
  });
});
