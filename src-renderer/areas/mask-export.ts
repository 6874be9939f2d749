/**
 * Turns painted marks (any color, on a transparent canvas) into a mask PNG: white where marked, black elsewhere —
 * gray levels from the marks' coverage, or hard edges with `binary` — inverted on request. Null when nothing is marked.
 */
export function marksToMask(marks: HTMLCanvasElement, options: { inverted?: boolean; binary?: boolean } = {}): Promise<Blob | null> {
  const { width, height } = marks;
  const pixels = marks.getContext('2d')!.getImageData(0, 0, width, height);
  const out = new ImageData(width, height);
  let any = false;
  for (let i = 0; i < width * height; i++) {
    const alpha = pixels.data[i * 4 + 3]!;
    const covered = options.binary ? (alpha > 20 ? 255 : 0) : alpha;
    const v = options.inverted ? 255 - covered : covered;
    any ||= v >= 128;
    out.data.set([v, v, v, 255], i * 4);
  }
  if (!any) return Promise.resolve(null);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.putImageData(out, 0, 0);
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob), 'image/png'));
}
