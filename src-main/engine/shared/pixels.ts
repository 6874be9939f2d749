import { ort, sharp } from './native-packages';
import { AppError } from '@contract';

/** An RGB picture in memory: 8-bit, interleaved, row-major. */
export interface Rgb {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A mask over a picture: 0…1 per pixel (1 = may change). */
export interface Mask {
  width: number;
  height: number;
  data: Float32Array;
}

export async function decodeRgb(input: string | Buffer, size?: { width: number; height: number }): Promise<Rgb> {
  try {
    let pipeline = sharp(input).rotate().removeAlpha().toColourspace('srgb');
    if (size) pipeline = pipeline.resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' });
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new AppError('BAD_IMAGE', `The picture could not be read: ${(error as Error).message}`);
  }
}

export function encodePng(rgb: Rgb): Promise<Buffer> {
  return sharp(Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength), { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A mask PNG (white or opaque = 1) read at the picture's size. */
export async function decodeMask(input: string | Buffer, width: number, height: number): Promise<Mask> {
  try {
    const image = sharp(input);
    const meta = await image.metadata();
    const useAlpha = meta.hasAlpha && (await image.clone().stats()).channels.slice(0, -1).every((c) => c.max === c.min);
    const pipeline = useAlpha ? image.extractChannel((meta.channels! - 1) as 0 | 1 | 2 | 3) : image.flatten({ background: '#000' }).greyscale();
    const raw = await pipeline.resize(width, height, { fit: 'fill' }).extractChannel(0).raw().toBuffer();
    return { width, height, data: Float32Array.from(raw, (v) => v / 255) };
  } catch (error) {
    throw new AppError('BAD_IMAGE', `The mask could not be read as an image: ${(error as Error).message}`);
  }
}

export function encodeMaskPng(mask: Mask): Promise<Buffer> {
  return sharp(Buffer.from(Uint8Array.from(mask.data, (v) => Math.round(v * 255))), { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .png()
    .toBuffer();
}

/** The picture as the VAE takes it: [1, 3, h, w] in −1…1. */
export function toTensor(rgb: Rgb): ort.Tensor {
  const { width: w, height: h, data } = rgb;
  const plane = w * h;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[c * plane + i] = (data[i * 3 + c]! / 255) * 2 - 1;
  return new ort.Tensor('float32', out, [1, 3, h, w]);
}

/** The VAE's output [1, 3, h, w] in −1…1 → 8-bit RGB (clamped, rounded). */
export function fromTensor(tensor: ort.Tensor): Rgb {
  const [, , h, w] = tensor.dims as [number, number, number, number];
  const src = tensor.data as Float32Array;
  const plane = w * h;
  const data = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(Math.min(1, Math.max(0, (src[c * plane + i]! + 1) / 2)) * 255);
  return { width: w, height: h, data };
}

/** The mask at latent resolution (area average), binarized as diffusers does (≥ ½ → 1). */
export function latentMask(mask: Mask, lw: number, lh: number): Float32Array {
  const out = new Float32Array(lw * lh);
  const fx = mask.width / lw;
  const fy = mask.height / lh;
  for (let y = 0; y < lh; y++) {
    for (let x = 0; x < lw; x++) {
      let sum = 0;
      let n = 0;
      for (let yy = Math.floor(y * fy); yy < Math.floor((y + 1) * fy); yy++) {
        for (let xx = Math.floor(x * fx); xx < Math.floor((x + 1) * fx); xx++) {
          sum += mask.data[yy * mask.width + xx]!;
          n++;
        }
      }
      out[y * lw + x] = n && sum / n >= 0.5 ? 1 : 0;
    }
  }
  return out;
}

/**
 * Blends a result into its parent: inside the mask the result shows through `feathered` (a softened copy of the mask
 * that never reaches outside it), outside the mask every pixel is the parent's, bit for bit.
 */
export function compositeInside(parent: Rgb, result: Rgb, mask: Mask, feather: number): Rgb {
  const hard = mask.data.map((v) => (v >= 0.5 ? 1 : 0));
  const soft = feather > 0 ? boxBlur(hard, mask.width, mask.height, Math.round(feather)).map((v, i) => v * hard[i]!) : hard;
  const data = new Uint8Array(parent.data.length);
  for (let i = 0; i < soft.length; i++) {
    const w = soft[i]!;
    for (let c = 0; c < 3; c++) {
      const k = i * 3 + c;
      data[k] = w === 0 ? parent.data[k]! : Math.round(parent.data[k]! * (1 - w) + result.data[k]! * w);
    }
  }
  return { width: parent.width, height: parent.height, data };
}

/** A separable box blur (radius r), used to feather masks. */
export function boxBlur(values: Float32Array, width: number, height: number, r: number): Float32Array {
  const pass = (src: Float32Array, horizontal: boolean) => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        let n = 0;
        for (let d = -r; d <= r; d++) {
          const xx = horizontal ? x + d : x;
          const yy = horizontal ? y : y + d;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          sum += src[yy * width + xx]!;
          n++;
        }
        out[y * width + x] = sum / n;
      }
    }
    return out;
  };
  return pass(pass(values, true), false);
}

/** A cheap step preview: the diffusion-space latents ([4, h, w]) mapped to RGB (−1…1) by a linear map per channel. */
export function latentPreview(latents: Float32Array, lw: number, lh: number, factors: number[][]): Rgb {
  const plane = lw * lh;
  const data = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let k = 0; k < 4; k++) v += latents[k * plane + i]! * factors[k]![c]!;
      data[i * 3 + c] = Math.round(Math.min(1, Math.max(0, (v + 1) / 2)) * 255);
    }
  }
  return { width: lw, height: lh, data };
}
