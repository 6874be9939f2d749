import { MARK_COLOR } from './konva-marks';
import type { ImageMark } from './marks';

const [R, G, B] = [1, 3, 5].map((i) => parseInt(MARK_COLOR.slice(i, i + 2), 16)) as [number, number, number];

/** A stored mask (white = may change) as one mark at the given size, painted like the designer's marks. */
export async function maskImageMark(url: string, width: number, height: number): Promise<ImageMark> {
  const mask = new Image();
  mask.src = url;
  await mask.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(mask, 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height);
  for (let i = 0; i < pixels.data.length; i += 4) pixels.data.set(pixels.data[i]! >= 128 ? [R, G, B, 255] : [0, 0, 0, 0], i);
  ctx.putImageData(pixels, 0, 0);
  return { kind: 'image', image: canvas, width, height };
}
