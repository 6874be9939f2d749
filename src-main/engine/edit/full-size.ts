import { sharp } from '../shared/native-packages';
import type { ExportFormat, PIPELINES } from '@contract';
import { decodeRgb, type Rgb } from '../shared/pixels';

/** One turn of a chain as the full-size render needs it: its picture and mask at the working size. */
export interface ChainStep {
  pipeline: (typeof PIPELINES)[number];
  image: Rgb;
  /** 0…255 per pixel at the working size, or null for a turn that could change the whole picture. */
  mask: Uint8Array | null;
}

const resizeRgb = async (rgb: Rgb, width: number, height: number): Promise<Rgb> => {
  if (rgb.width === width && rgb.height === height) return rgb;
  const data = await sharp(Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength), { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
};

const resizeGrey = async (grey: Uint8Array, w: number, h: number, width: number, height: number, kernel: 'nearest' | 'linear'): Promise<Uint8Array> => {
  const data = await sharp(Buffer.from(grey.buffer, grey.byteOffset, grey.byteLength), { raw: { width: w, height: h, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: kernel === 'nearest' ? 'nearest' : 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
};

/**
 * The result of a chain of turns at the original's full resolution. Edits run at the model's working size, so the
 * change they made (result − working-size source) is upscaled and added to the full-resolution original — keeping its
 * detail — inside the union of the turns' masks; outside it every pixel is the original's, bit for bit. A text-to-image
 * turn replaces the picture, so from there on the result is simply upscaled.
 */
export async function renderFullSize(original: Rgb, chain: ChainStep[]): Promise<Rgb> {
  const { width, height } = original;
  const last = chain.at(-1)!;
  if (last.pipeline === 'source') return original;
  // A turn that paints a new picture (from text, or from neighbours) replaced the original: the result is upscaled.
  if (chain.some((s) => s.pipeline === 'text2img' || s.pipeline === 'grounded-create')) return resizeRgb(last.image, width, height);

  const source = chain[0]!.image;
  const w = source.width;
  const h = source.height;
  // Where any turn could change the picture (a turn without a mask: everywhere).
  let union: Uint8Array | null = new Uint8Array(w * h);
  for (const step of chain.slice(1)) {
    if (!step.mask) {
      union = null;
      break;
    }
    for (let i = 0; i < union.length; i++) if (step.mask[i]! > union[i]!) union[i] = step.mask[i]!;
  }
  const [upResult, upSource] = await Promise.all([resizeRgb(last.image, width, height), resizeRgb(source, width, height)]);
  let weight: Uint8Array | null = null;
  if (union) {
    const hard = union.map((v) => (v >= 128 ? 255 : 0));
    const [soft, inside] = await Promise.all([resizeGrey(union, w, h, width, height, 'linear'), resizeGrey(hard, w, h, width, height, 'nearest')]);
    weight = soft.map((v, i) => (inside[i] ? Math.max(v, 1) : 0));
  }
  const out = new Uint8Array(original.data.length);
  const plane = width * height;
  for (let i = 0; i < plane; i++) {
    const k = weight ? weight[i]! / 255 : 1;
    for (let c = 0; c < 3; c++) {
      const j = i * 3 + c;
      const o = original.data[j]!;
      out[j] = k === 0 ? o : Math.min(255, Math.max(0, Math.round(o + k * (upResult.data[j]! - upSource.data[j]!))));
    }
  }
  return { width, height, data: out };
}

/** The original as the project keeps it: rotated upright, sRGB, at full resolution. */
export const decodeOriginal = (file: string): Promise<Rgb> => decodeRgb(file);

/** Encodes a picture for export, optionally scaled down so its longest side is at most `maxSide`. */
export async function encodeExport(rgb: Rgb, format: ExportFormat, quality: number, maxSide: number | null): Promise<{ bytes: Buffer; width: number; height: number }> {
  let pipeline = sharp(Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength), { raw: { width: rgb.width, height: rgb.height, channels: 3 } });
  let width = rgb.width;
  let height = rgb.height;
  if (maxSide && Math.max(width, height) > maxSide) {
    const scale = maxSide / Math.max(width, height);
    width = Math.max(1, Math.round(width * scale));
    height = Math.max(1, Math.round(height * scale));
    pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
  }
  const encoded = format === 'png' ? pipeline.png() : format === 'jpeg' ? pipeline.jpeg({ quality, mozjpeg: true }) : pipeline.webp({ quality });
  return { bytes: await encoded.toBuffer(), width, height };
}

/** A file name from the project and the turn: "Living room - make the sofa green.jpg". */
export function exportFileName(project: string, turnLabel: string, format: ExportFormat): string {
  const clean = (s: string) =>
    s
      .replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 60)
      .trim();
  const stem = [clean(project) || 'Untitled', clean(turnLabel)].filter(Boolean).join(' - ');
  return `${stem}.${format === 'jpeg' ? 'jpg' : format}`;
}
