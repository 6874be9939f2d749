/** A crop box as fractions (0…1) of the picture. */
export interface CropFraction {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const ASPECTS = [
  ['free', 'Free', null],
  ['1:1', '1:1', 1],
  ['4:3', '4:3', 4 / 3],
  ['3:2', '3:2', 3 / 2],
  ['16:9', '16:9', 16 / 9],
] as const;
export type AspectId = (typeof ASPECTS)[number][0];

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The largest box of an aspect (width : height in pixels) centred on the picture; the whole picture when free. */
export function centredBox(ratio: number | null, picture: { width: number; height: number }): CropFraction {
  if (!ratio) return { x: 0, y: 0, width: 1, height: 1 };
  const pictureRatio = picture.width / picture.height;
  const width = ratio >= pictureRatio ? 1 : ratio / pictureRatio;
  const height = ratio >= pictureRatio ? pictureRatio / ratio : 1;
  return { x: (1 - width) / 2, y: (1 - height) / 2, width, height };
}

/**
 * The box dragged from `a` to `b` (fractions), kept inside the picture; with an aspect, its height follows its width
 * (shrunk to fit when the picture's edge stops it).
 */
export function draggedBox(a: { x: number; y: number }, b: { x: number; y: number }, ratio: number | null, picture: { width: number; height: number }): CropFraction {
  const bx = clamp(b.x, 0, 1);
  const by = clamp(b.y, 0, 1);
  let width = Math.abs(bx - a.x);
  let height = Math.abs(by - a.y);
  if (ratio) {
    // In fractions, an aspect r (pixels) is height = width × picture.width / (r × picture.height).
    const k = picture.width / (ratio * picture.height);
    const roomX = bx >= a.x ? 1 - a.x : a.x;
    const roomY = by >= a.y ? 1 - a.y : a.y;
    width = Math.min(Math.max(width, height / k), roomX, roomY / k);
    height = width * k;
  }
  return { x: bx >= a.x ? a.x : a.x - width, y: by >= a.y ? a.y : a.y - height, width, height };
}

/** The box moved by (dx, dy), kept inside the picture. */
export function movedBox(box: CropFraction, dx: number, dy: number): CropFraction {
  return { ...box, x: clamp(box.x + dx, 0, 1 - box.width), y: clamp(box.y + dy, 0, 1 - box.height) };
}
