import { sharp } from '../shared/native-packages';
import { AppError } from '@contract';
import { decodeMask } from '../shared/pixels';
import { MASK_SIZE } from './composers/signatures';

/** How much of the region's own content the image condition keeps (the texts decide what it becomes). */
export const REGION_KEEP = 0.5;
/** Largest side the reference is worked on at (CLIP sees 224 px; this keeps thin strokes meaningful). */
const WORK_SIZE = 512;

export interface RegionSplit {
  /** The reference with the region filled by the mean color of the rest: what must stay. */
  rest: Buffer;
  /** The region cut out (its bounding box, with everything outside the mask filled the same way): what may change. */
  region: Buffer;
  /** The mask at 64×64 (1 = may change), for composers with a mask input. */
  mask: Float32Array;
  /** Fraction of the picture the region covers. */
  coverage: number;
}

/** Splits the reference into what the region marks and the rest (see docs/composed-search.md, "Regions"). */
export async function splitRegion(reference: string | Buffer, mask: string | Buffer): Promise<RegionSplit> {
  let pixels: { data: Buffer; info: sharp.OutputInfo };
  try {
    pixels = await sharp(reference)
      .rotate()
      .resize(WORK_SIZE, WORK_SIZE, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new AppError('BAD_IMAGE', `The reference image could not be read: ${(error as Error).message}`);
  }
  const { width, height } = pixels.info;
  const rgb = pixels.data;
  const m = (await decodeMask(mask, width, height)).data;
  const coverage = m.reduce((a, b) => a + b, 0) / m.length;
  if (coverage < 0.002) throw new AppError('INVALID_PARAMS', 'The region is empty: paint or draw the part of the picture that may change.');

  // The fill: the mean color of everything outside the region.
  const fill = [0, 0, 0];
  let outside = 0;
  for (let i = 0; i < m.length; i++) {
    const w = 1 - m[i]!;
    for (let c = 0; c < 3; c++) fill[c]! += w * rgb[i * 3 + c]!;
    outside += w;
  }
  for (let c = 0; c < 3; c++) fill[c] = outside > 0 ? fill[c]! / outside : 128;

  const rest = Buffer.alloc(rgb.length);
  const cut = Buffer.alloc(rgb.length);
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let i = 0; i < m.length; i++) {
    const w = m[i]!;
    for (let c = 0; c < 3; c++) {
      const v = rgb[i * 3 + c]!;
      rest[i * 3 + c] = Math.round(v * (1 - w) + fill[c]! * w);
      cut[i * 3 + c] = Math.round(v * w + fill[c]! * (1 - w));
    }
    if (w >= 0.5) {
      const x = i % width;
      const y = Math.floor(i / width);
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) [x0, y0, x1, y1] = [0, 0, width - 1, height - 1];
  const pad = Math.round(0.1 * Math.max(x1 - x0, y1 - y0));
  const left = Math.max(0, x0 - pad);
  const top = Math.max(0, y0 - pad);
  const box = { left, top, width: Math.min(width, x1 + pad + 1) - left, height: Math.min(height, y1 + pad + 1) - top };

  const raw = { raw: { width, height, channels: 3 as const } };
  const png = { compressionLevel: 0 };
  const [restPng, regionPng, mask64] = await Promise.all([
    sharp(rest, raw).png(png).toBuffer(),
    sharp(cut, raw).extract(box).png(png).toBuffer(),
    sharp(Buffer.from(m.map((v) => Math.round(v * 255))), { raw: { width, height, channels: 1 } })
      .resize(MASK_SIZE, MASK_SIZE, { fit: 'fill' })
      .extractChannel(0)
      .raw()
      .toBuffer(),
  ]);
  return { rest: restPng, region: regionPng, mask: Float32Array.from(mask64, (v) => v / 255), coverage };
}
