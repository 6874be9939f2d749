import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { withExifThumbnail, withMpfImages, withMpfPreview } from '../../../models/generators/embedded-preview';
import { CLIP_PREPROCESS, decodeForClip, parsePreprocessConfig } from '../clip/preprocess';
import { decodeEmbeddedPreview, decodeForIndex } from './embedded-preview';
import { findMpfSegment, readMpIndex } from './mpf-index';

const LIMIT = 16384 * 16384;
type Rgb = [number, number, number];
const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [20, 40, 230];
const GREEN: Rgb = [20, 200, 40];

/** A JPEG whose left half is `left` and right half `right` (one color when they are the same). */
async function halves(width: number, height: number, left: Rgb, right: Rgb = left, orientation?: number): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) px.set(x < width / 2 ? left : right, (y * width + x) * 3);
  const image = sharp(px, { raw: { width, height, channels: 3 } });
  return (orientation ? image.withMetadata({ orientation }) : image).jpeg({ quality: 95 }).toBuffer();
}

/** The decoded pixel at (x, y) of a ResizedImage. */
const pixel = (img: { data: Buffer; width: number }, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
const near = (actual: number[], expected: Rgb) => actual.every((v, i) => Math.abs(v - expected[i]!) < 24);

describe('the MPF index', () => {
  it('lists the primary image and the preview, with the preview’s bytes where the generator put them', async () => {
    const main = await halves(672, 448, RED);
    const preview = await halves(336, 224, BLUE);
    for (const littleEndian of [false, true]) {
      const file = withMpfPreview(main, preview, { littleEndian });
      const entries = readMpIndex(file);
      expect(entries.map((e) => [e.type, e.format])).toEqual([
        [0x030000, 0],
        [0x010002, 0],
      ]);
      expect(file.subarray(entries[1]!.start, entries[1]!.start + entries[1]!.size).equals(preview)).toBe(true);
      expect(entries[0]).toMatchObject({ start: 0, size: main.length + 90 });
      // The main image still decodes as before, with the segment in it.
      expect(await sharp(file).metadata()).toMatchObject({ width: 672, height: 448, format: 'jpeg' });
    }
  });

  it('finds nothing in a JPEG without one, a PNG or a few bytes', async () => {
    expect(readMpIndex(await halves(300, 200, RED))).toEqual([]);
    expect(readMpIndex(await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer())).toEqual([]);
    expect(readMpIndex(Buffer.from([0xff, 0xd8, 0xff]))).toEqual([]);
  });
});

describe('decoding for indexing', () => {
  it('decodes the embedded preview instead of the main image, and reports the main image as the source', async () => {
    const file = withMpfPreview(await halves(900, 600, RED), await halves(450, 300, BLUE, GREEN));
    const { decoded, preview } = await decodeForIndex(file, CLIP_PREPROCESS, LIMIT);
    expect(preview).toEqual({ width: 450, height: 300 });
    expect(decoded.source).toMatchObject({ width: 900, height: 600, format: 'jpeg' });
    expect([decoded.width, decoded.height]).toEqual([336, 224]);
    expect(near(pixel(decoded, 10, 100), BLUE)).toBe(true);
    expect(near(pixel(decoded, 320, 100), GREEN)).toBe(true);
  });

  it('takes the largest usable preview, and the next one when the largest does not decode', async () => {
    const main = await halves(1200, 800, RED);
    const small = await halves(360, 240, GREEN);
    const large = await halves(600, 400, BLUE);
    const both = withMpfImages(main, [{ bytes: small }, { bytes: large }]);
    const found = await decodeEmbeddedPreview(both, CLIP_PREPROCESS, LIMIT);
    expect(found?.preview).toEqual({ width: 600, height: 400 });
    expect(near(pixel(found!.decoded, 20, 20), BLUE)).toBe(true);
    // The large one's entry says it stops after 700 bytes: its header reads, its scan does not.
    const damaged = withMpfImages(main, [{ bytes: small }, { bytes: large, size: 700 }]);
    const next = await decodeEmbeddedPreview(damaged, CLIP_PREPROCESS, LIMIT);
    expect(next?.preview).toEqual({ width: 360, height: 240 });
    expect(near(pixel(next!.decoded, 20, 20), GREEN)).toBe(true);
  });

  it('decodes the full image when the preview is too small, letterboxed, larger than the photo or not a preview', async () => {
    const main = await halves(900, 600, RED);
    const cases = {
      'too small': withMpfPreview(main, await halves(300, 200, BLUE)),
      letterboxed: withMpfPreview(main, await halves(450, 320, BLUE)),
      'larger than the main image': withMpfPreview(main, await halves(1200, 800, BLUE)),
      'a gain map (MP type undefined)': withMpfPreview(main, await halves(450, 300, BLUE), { type: 0 }),
      'a PNG': withMpfPreview(main, await sharp({ create: { width: 450, height: 300, channels: 3, background: '#0000ff' } }).png().toBuffer()),
    };
    for (const [what, file] of Object.entries(cases)) {
      const { decoded, preview } = await decodeForIndex(file, CLIP_PREPROCESS, LIMIT);
      expect(preview, what).toBeNull();
      expect(near(pixel(decoded, 10, 10), RED), what).toBe(true);
      expect(decoded.source, what).toMatchObject({ width: 900, height: 600 });
    }
  });

  it('asks for at least what the model resizes to (256 px for MobileCLIP)', async () => {
    const mobile = parsePreprocessConfig({ size: { shortest_edge: 256 }, crop_size: { height: 256, width: 256 }, do_normalize: false, resample: 2 });
    const file = withMpfPreview(await halves(900, 600, RED), await halves(360, 240, BLUE));
    expect((await decodeForIndex(file, mobile, LIMIT)).preview).toBeNull();
    expect((await decodeForIndex(file, CLIP_PREPROCESS, LIMIT)).preview).toEqual({ width: 360, height: 240 });
  });

  it('turns the preview by the main image’s EXIF orientation (6: 90° clockwise)', async () => {
    const main = await halves(900, 600, RED, RED, 6);
    const file = withMpfPreview(main, await halves(450, 300, BLUE, GREEN));
    const { decoded, preview } = await decodeForIndex(file, CLIP_PREPROCESS, LIMIT);
    expect(preview).toEqual({ width: 300, height: 450 });
    expect(decoded.source).toMatchObject({ width: 600, height: 900, orientation: 6 });
    expect([decoded.width, decoded.height]).toEqual([224, 336]);
    // Turned clockwise, the stored left half (blue) is on top.
    expect(near(pixel(decoded, 112, 20), BLUE)).toBe(true);
    expect(near(pixel(decoded, 112, 320), GREEN)).toBe(true);
  });

  it('applies every orientation as sharp’s own auto-orient does', async () => {
    const preview = await halves(336, 224, BLUE, GREEN);
    const px = await sharp(preview).raw().toBuffer();
    // A preview with a unique pattern: a red corner block top-left, so mirrors and turns all differ.
    for (let y = 0; y < 40; y++) for (let x = 0; x < 60; x++) px.set(RED, (y * 336 + x) * 3);
    const marked = await sharp(px, { raw: { width: 336, height: 224, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    for (let orientation = 1; orientation <= 8; orientation++) {
      const file = withMpfPreview(await halves(672, 448, RED, RED, orientation), marked);
      const found = await decodeEmbeddedPreview(file, CLIP_PREPROCESS, LIMIT);
      const expected = await decodeForClip(await sharp(marked).withMetadata({ orientation }).jpeg({ quality: 100 }).toBuffer(), CLIP_PREPROCESS);
      expect([found!.decoded.width, found!.decoded.height], `orientation ${orientation}`).toEqual([expected.width, expected.height]);
      const corner = (img: typeof expected) => [[5, 5], [img.width - 6, 5], [5, img.height - 6], [img.width - 6, img.height - 6]].map(([x, y]) => near(pixel(img, x!, y!), RED));
      expect(corner(found!.decoded), `orientation ${orientation}`).toEqual(corner(expected));
    }
  });

  it('lets the main image’s orientation win over the preview’s own tag, and refuses a preview the camera turned itself', async () => {
    const main = await halves(900, 600, RED, RED, 6);
    // A stale tag on the preview (8 would turn it the other way): the main image's 6 applies.
    const tagged = await decodeForIndex(withMpfPreview(main, await halves(450, 300, BLUE, GREEN, 8)), CLIP_PREPROCESS, LIMIT);
    expect(tagged.preview).toEqual({ width: 300, height: 450 });
    expect(near(pixel(tagged.decoded, 112, 20), BLUE)).toBe(true);
    // Pixels already upright (portrait) while the main image is stored landscape: turning it again gives the wrong shape.
    const turned = await decodeForIndex(withMpfPreview(main, await halves(300, 450, BLUE, GREEN, 1)), CLIP_PREPROCESS, LIMIT);
    expect(turned.preview).toBeNull();
    expect(near(pixel(turned.decoded, 112, 20), RED)).toBe(true);
  });

  it('falls back without an error on truncated files and garbage offsets, sizes or segment bytes', async () => {
    const main = await halves(900, 600, RED);
    const preview = await halves(450, 300, BLUE);
    const good = withMpfPreview(main, preview);
    const files = [
      good.subarray(0, good.length - 1000), // the preview cut short: its size runs past the end
      withMpfPreview(main, preview, { offset: 0xfffffff0 }),
      withMpfPreview(main, preview, { offset: 100 }), // inside the main image
      withMpfPreview(main, preview, { size: 600 }), // a preview that stops mid-scan
      withMpfPreview(main, preview, { size: 0xffffffff }),
    ];
    // And a few hundred files with random bytes of the MPF segment overwritten (a seeded generator: reproducible).
    const { header, end } = findMpfSegment(good)!;
    let seed = 17;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const bad = Buffer.from(good);
      for (let k = 0; k < 3; k++) bad[header - 6 + Math.floor(random() * (end - header + 6))] = Math.floor(random() * 256);
      files.push(bad);
    }
    for (const file of files) {
      const result = await decodeEmbeddedPreview(file, CLIP_PREPROCESS, LIMIT);
      if (result) expect(near(pixel(result.decoded, 10, 10), BLUE)).toBe(true); // only ever the real preview
    }
    for (const file of files.slice(1, 5)) {
      const { decoded, preview } = await decodeForIndex(file, CLIP_PREPROCESS, LIMIT);
      expect(preview).toBeNull();
      expect(near(pixel(decoded, 10, 10), RED)).toBe(true);
    }
  });

  it('leaves PNG and WebP files to the usual decode', async () => {
    for (const format of ['png', 'webp'] as const) {
      const file = await sharp({ create: { width: 450, height: 300, channels: 3, background: { r: 220, g: 30, b: 30 } } })[format]().toBuffer();
      const { decoded, preview } = await decodeForIndex(file, CLIP_PREPROCESS, LIMIT);
      expect(preview).toBeNull();
      expect(decoded.data.equals((await decodeForClip(file, CLIP_PREPROCESS, LIMIT)).data)).toBe(true);
    }
  });
});

describe('a large EXIF (IFD1) thumbnail', () => {
  it('is decoded instead of the main image when large enough, turned by IFD0’s orientation', async () => {
    const thumb = await halves(336, 224, BLUE, GREEN);
    const file = withExifThumbnail(await halves(900, 600, RED), thumb);
    const { decoded, preview } = await decodeForIndex(file, CLIP_PREPROCESS, LIMIT);
    expect(preview).toEqual({ width: 336, height: 224 });
    expect(near(pixel(decoded, 10, 100), BLUE)).toBe(true);
    const turned = await decodeForIndex(withExifThumbnail(await halves(900, 600, RED), thumb, { orientation: 6 }), CLIP_PREPROCESS, LIMIT);
    expect(turned.preview).toEqual({ width: 224, height: 336 });
    expect(turned.decoded.source).toMatchObject({ width: 600, height: 900, orientation: 6 });
    expect(near(pixel(turned.decoded, 112, 20), BLUE)).toBe(true);
    expect(near(pixel(turned.decoded, 112, 320), GREEN)).toBe(true);
  });

  it('loses to a larger MPF preview, and a usual 160×120 one or one whose length overruns or stops short is ignored', async () => {
    const main = await halves(900, 600, RED);
    const both = withMpfPreview(withExifThumbnail(main, await halves(336, 224, GREEN)), await halves(450, 300, BLUE));
    expect((await decodeForIndex(both, CLIP_PREPROCESS, LIMIT)).preview).toEqual({ width: 450, height: 300 });
    for (const file of [withExifThumbnail(main, await halves(160, 120, BLUE)), withExifThumbnail(main, await halves(336, 224, BLUE), { length: 0x7fffffff }), withExifThumbnail(main, await halves(336, 224, BLUE), { length: 300 })]) {
      const { decoded, preview } = await decodeForIndex(file, CLIP_PREPROCESS, LIMIT);
      expect(preview).toBeNull();
      expect(near(pixel(decoded, 10, 10), RED)).toBe(true);
    }
  });
});
