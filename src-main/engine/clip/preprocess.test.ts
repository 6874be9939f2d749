import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CLIP_PREPROCESS, preprocessImage, resizedSize } from './preprocess';

const { mean, std } = CLIP_PREPROCESS;
const norm = (v: number, c: number) => (v / 255 - mean[c]!) / std[c]!;
const at = (t: Float32Array, c: number, y: number, x: number, w = 224) => t[c * w * w + y * w + x]!;

/** Solid-colored blocks side by side: left half one color, right half another. */
async function halves(width: number, height: number, left: number[], right: number[]): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) raw.set(x < width / 2 ? left : right, (y * width + x) * 3);
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

describe('CLIP preprocessing', () => {
  it('computes the resized size as Hugging Face does', () => {
    expect(resizedSize(300, 240, 224)).toEqual({ width: 280, height: 224 });
    expect(resizedSize(240, 300, 224)).toEqual({ width: 224, height: 280 });
    expect(resizedSize(1000, 333, 224)).toEqual({ width: 672, height: 224 });
  });

  it('matches a hand-computed tensor: exact pixels, CHW, mean/std normalized', async () => {
    // 224×224 needs no resize or crop, so every value is known exactly.
    const tensor = await preprocessImage(await halves(224, 224, [255, 0, 0], [0, 128, 255]));
    expect(tensor).toHaveLength(3 * 224 * 224);
    expect(at(tensor, 0, 10, 5)).toBeCloseTo(norm(255, 0), 5); // (1 − 0.48145466) / 0.26862954 = 1.93033…
    expect(at(tensor, 0, 10, 5)).toBeCloseTo(1.930336, 5);
    expect(at(tensor, 1, 10, 5)).toBeCloseTo(-1.752097, 5); // (0 − 0.4578275) / 0.26130258
    expect(at(tensor, 2, 200, 200)).toBeCloseTo(norm(255, 2), 5);
    expect(at(tensor, 1, 200, 200)).toBeCloseTo(norm(128, 1), 5);
  });

  it('crops the center of a wide image after resizing its shortest side', async () => {
    // 448×224: no resize; crop keeps columns 112…335, so the crop is half red, half blue with the seam in the middle.
    const tensor = await preprocessImage(await halves(448, 224, [255, 0, 0], [0, 0, 255]));
    expect(at(tensor, 0, 100, 0)).toBeCloseTo(norm(255, 0), 4);
    expect(at(tensor, 0, 100, 110)).toBeCloseTo(norm(255, 0), 4);
    expect(at(tensor, 2, 100, 113)).toBeCloseTo(norm(255, 2), 4);
    expect(at(tensor, 2, 100, 223)).toBeCloseTo(norm(255, 2), 4);
  });

  it('downscales solid colors without changing them', async () => {
    const big = await sharp({ create: { width: 900, height: 600, channels: 3, background: { r: 10, g: 200, b: 90 } } }).jpeg({ quality: 100 }).toBuffer();
    const tensor = await preprocessImage(big);
    expect(at(tensor, 1, 50, 50)).toBeCloseTo(norm(200, 1), 1);
  });

  it('applies EXIF orientation before anything else', async () => {
    // Stored 448×224 (left red, right blue) but tagged "rotate 90° clockwise": it displays 224 wide × 448 tall,
    // red on top. The center crop then shows the seam horizontally: red above, blue below.
    const stored = await sharp(await halves(448, 224, [255, 0, 0], [0, 0, 255])).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const tensor = await preprocessImage(stored);
    expect(at(tensor, 0, 20, 100)).toBeGreaterThan(1.5); // red on top
    expect(at(tensor, 2, 200, 100)).toBeGreaterThan(1.5); // blue below
  });

  it('drops alpha and converts grayscale to RGB', async () => {
    const gray = await sharp(Buffer.alloc(100, 128), { raw: { width: 10, height: 10, channels: 1 } }).png().toBuffer();
    const rgba = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } }).png().toBuffer();
    const g = await preprocessImage(gray);
    expect(at(g, 0, 100, 100)).toBeCloseTo(norm(128, 0), 1);
    expect(at(g, 2, 100, 100)).toBeCloseTo(norm(128, 2), 1);
    const b = await preprocessImage(rgba);
    expect(at(b, 2, 100, 100)).toBeCloseTo(norm(255, 2), 1);
  });

  it('refuses corrupt and non-image files with BAD_IMAGE, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-pre-'));
    const bad = join(dir, 'notes.jpg');
    await writeFile(bad, 'this is not a jpeg');
    await expect(preprocessImage(bad)).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringContaining('notes.jpg') });
    const truncated = join(dir, 'cut.png');
    await writeFile(truncated, (await halves(64, 64, [1, 2, 3], [4, 5, 6])).subarray(0, 60));
    await expect(preprocessImage(truncated)).rejects.toMatchObject({ code: 'BAD_IMAGE' });
  });
});
