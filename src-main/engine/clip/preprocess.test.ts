import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CLIP_PREPROCESS, decodeForClip, loadPreprocessConfig, parsePreprocessConfig, preprocessImage, resizedSize } from './preprocess';

/** The preprocessor_config.json of Xenova/clip-vit-base-patch32 (values as published; see the model catalog). */
const CLIP_B32_JSON = {
  crop_size: 224,
  do_center_crop: true,
  do_normalize: true,
  do_resize: true,
  feature_extractor_type: 'CLIPFeatureExtractor',
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
  resample: 3,
  size: 224,
};
/** The preprocessor_config.json of Xenova/mobileclip_s0: 256 px, bilinear, rescale only (no mean/std). */
const MOBILECLIP_S0_JSON = {
  crop_size: { height: 256, width: 256 },
  do_center_crop: true,
  do_normalize: false,
  do_rescale: true,
  do_resize: true,
  feature_extractor_type: 'CLIPFeatureExtractor',
  image_processor_type: 'CLIPImageProcessor',
  resample: 2,
  rescale_factor: 0.00392156862745098,
  size: { shortest_edge: 256 },
};
const MOBILE = parsePreprocessConfig(MOBILECLIP_S0_JSON);

const { mean, std } = CLIP_PREPROCESS.normalize!;
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

describe('preprocessing from preprocessor_config.json', () => {
  it('reads CLIP ViT-B/32 and MobileCLIP-S0 configs as published', () => {
    expect(parsePreprocessConfig(CLIP_B32_JSON)).toEqual(CLIP_PREPROCESS);
    expect(MOBILE).toEqual({
      resize: { shortestEdge: 256 },
      resample: 'linear',
      crop: { width: 256, height: 256 },
      rescale: 1 / 255,
      normalize: null,
      width: 256,
      height: 256,
    });
  });

  it('MobileCLIP: 256×256 input, plain [0, 1] RGB without mean/std (hand-computed values)', async () => {
    const tensor = await preprocessImage(await halves(256, 256, [255, 0, 0], [0, 128, 51]), MOBILE);
    const at256 = (c: number, y: number, x: number) => tensor[c * 256 * 256 + y * 256 + x]!;
    expect(tensor).toHaveLength(3 * 256 * 256);
    expect(at256(0, 10, 5)).toBeCloseTo(1, 6);
    expect(at256(1, 10, 5)).toBeCloseTo(0, 6);
    expect(at256(1, 200, 200)).toBeCloseTo(128 / 255, 6); // 0.501961
    expect(at256(2, 200, 200)).toBeCloseTo(0.2, 6); // 51 / 255
  });

  it('MobileCLIP: a wide photo is resized to a 256-pixel short side and center-cropped', async () => {
    // 1024×512 → 512×256; the crop keeps columns 128…383 of the resized image, so the seam sits in the middle.
    const tensor = await preprocessImage(await halves(1024, 512, [255, 0, 0], [0, 0, 255]), MOBILE);
    const at256 = (c: number, y: number, x: number) => tensor[c * 256 * 256 + y * 256 + x]!;
    expect(at256(0, 128, 2)).toBeCloseTo(1, 2);
    expect(at256(0, 128, 120)).toBeCloseTo(1, 2);
    expect(at256(2, 128, 136)).toBeCloseTo(1, 2);
    expect(at256(2, 128, 253)).toBeCloseTo(1, 2);
  });

  it('resamples with the kernel the config names: bilinear never overshoots a step, bicubic does', async () => {
    const step = await halves(700, 300, [60, 60, 60], [190, 190, 190]); // the seam falls between output pixels
    const range = (t: Float32Array, scale: number, offset = 0) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < t.length / 3; i++) {
        const v = (t[i]! - offset) * scale;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      return { lo: Math.round(lo), hi: Math.round(hi) };
    };
    expect(range(await preprocessImage(step, MOBILE), 255)).toEqual({ lo: 60, hi: 190 });
    const bicubic = range(await preprocessImage(step, { ...MOBILE, resample: 'cubic' }), 255);
    expect(bicubic.lo).toBeLessThan(60);
    expect(bicubic.hi).toBeGreaterThan(190);
  });

  it('exact-size resize without a crop, and normalization without rescaling', async () => {
    const config = parsePreprocessConfig({ size: { height: 32, width: 64 }, do_center_crop: false, do_rescale: false, image_mean: [100, 0, 0], image_std: [2, 1, 1] });
    expect(config).toMatchObject({ width: 64, height: 32, crop: null, rescale: null });
    const decoded = await decodeForClip(await halves(300, 300, [200, 10, 0], [200, 10, 0]), config);
    expect([decoded.width, decoded.height]).toEqual([64, 32]);
    const tensor = await preprocessImage(await halves(300, 300, [200, 10, 0], [200, 10, 0]), config);
    expect(tensor).toHaveLength(3 * 64 * 32);
    expect(tensor[5]).toBeCloseTo((200 - 100) / 2, 4);
    expect(tensor[64 * 32 + 5]).toBeCloseTo(10, 4);
  });

  it('refuses configs it cannot follow with MODEL_MISMATCH, and falls back to CLIP without a config', async () => {
    expect(() => parsePreprocessConfig({ ...MOBILECLIP_S0_JSON, resample: 5 })).toThrow(expect.objectContaining({ code: 'MODEL_MISMATCH' }));
    expect(() => parsePreprocessConfig({ size: { shortest_edge: 256 }, do_center_crop: false })).toThrow(/one input size/);
    expect(() => parsePreprocessConfig({ ...CLIP_B32_JSON, image_std: [1, 0, 1] })).toThrow(/zero/);
    expect(() => parsePreprocessConfig({ size: 'big' })).toThrow(expect.objectContaining({ code: 'MODEL_MISMATCH' }));
    const dir = await mkdtemp(join(tmpdir(), 'studio-pre-config-'));
    expect(await loadPreprocessConfig(dir)).toEqual(CLIP_PREPROCESS);
    await writeFile(join(dir, 'preprocessor_config.json'), '{ not json');
    await expect(loadPreprocessConfig(dir)).rejects.toMatchObject({ code: 'MODEL_MISMATCH', message: expect.stringContaining('preprocessor_config.json') });
    await writeFile(join(dir, 'preprocessor_config.json'), JSON.stringify(MOBILECLIP_S0_JSON));
    expect(await loadPreprocessConfig(dir)).toEqual(MOBILE);
  });
});
