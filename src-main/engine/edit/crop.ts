import { sharp } from '../shared/native-packages';
import { AppError, type CropBox } from '@contract';
import type { Rgb } from '../shared/pixels';

const MIN_SIDE = 8;

const raw = (rgb: Rgb) => sharp(Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength), { raw: { width: rgb.width, height: rgb.height, channels: 3 } });
const toRgb = ({ data, info }: { data: Buffer; info: sharp.OutputInfo }): Rgb => ({ width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });

/** A box given as fractions of a picture, in whole pixels of that picture (at least 8 px a side, inside it). */
export function boxInPixels(box: { x: number; y: number; width: number; height: number }, of: { width: number; height: number }): CropBox {
  const left = Math.min(of.width - 1, Math.max(0, Math.round(box.x * of.width)));
  const top = Math.min(of.height - 1, Math.max(0, Math.round(box.y * of.height)));
  const width = Math.min(of.width - left, Math.round(box.width * of.width));
  const height = Math.min(of.height - top, Math.round(box.height * of.height));
  if (width < MIN_SIDE || height < MIN_SIDE) throw new AppError('INVALID_PARAMS', `The crop box is too small (${width}×${height} px; at least ${MIN_SIDE}×${MIN_SIDE}).`);
  return { left, top, width, height, of: { width: of.width, height: of.height } };
}

/** The box cut from the full-resolution picture it was drawn on: its pixels exactly. */
export async function cropFull(full: Rgb, box: CropBox): Promise<Rgb> {
  return toRgb(await raw(full).extract({ left: box.left, top: box.top, width: box.width, height: box.height }).raw().toBuffer({ resolveWithObject: true }));
}

/**
 * The box cut from a working-size picture (the box scaled to it), resized to the crop's working size. Turns and
 * replays both make a crop's working picture with this, so a recipe reproduces it bit for bit.
 */
export async function cropWorking(parent: Rgb, box: CropBox, size: { width: number; height: number }): Promise<Rgb> {
  const sx = parent.width / box.of.width;
  const sy = parent.height / box.of.height;
  const left = Math.min(parent.width - 1, Math.floor(box.left * sx));
  const top = Math.min(parent.height - 1, Math.floor(box.top * sy));
  const width = Math.max(1, Math.min(parent.width - left, Math.round(box.width * sx)));
  const height = Math.max(1, Math.min(parent.height - top, Math.round(box.height * sy)));
  const cut = await raw(parent).extract({ left, top, width, height }).raw().toBuffer({ resolveWithObject: true });
  return toRgb(await raw(toRgb(cut)).resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true }));
}
