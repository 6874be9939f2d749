import type { ShapeName } from './vocabulary';

/**
 * Shape geometry in units of the image's shorter side, centered on the shape's centroid, all with area π·r²
 * so that "size" means the same for every shape.
 */
export function contains(shape: ShapeName, dx: number, dy: number, r: number): boolean {
  switch (shape) {
    case 'circle':
      return dx * dx + dy * dy <= r * r;
    case 'square': {
      const half = (r * Math.sqrt(Math.PI)) / 2;
      return Math.abs(dx) <= half && Math.abs(dy) <= half;
    }
    case 'triangle': {
      const [a, b, c] = trianglePoints(r);
      const side = (p: [number, number], q: [number, number]) => (q[0] - p[0]) * (dy - p[1]) - (q[1] - p[1]) * (dx - p[0]);
      const s1 = side(a, b);
      const s2 = side(b, c);
      const s3 = side(c, a);
      return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
    }
  }
}

/** An upright equilateral triangle with area π·r², centroid at the origin (y grows downwards, as in images). */
export function trianglePoints(r: number): [[number, number], [number, number], [number, number]] {
  const side = Math.sqrt((4 * Math.PI * r * r) / Math.sqrt(3));
  const height = (side * Math.sqrt(3)) / 2;
  return [
    [0, (-2 * height) / 3],
    [side / 2, height / 3],
    [-side / 2, height / 3],
  ];
}

/** An SVG element drawing the shape at (cx, cy) in pixels, r in pixels. */
export function svgShape(shape: ShapeName, cx: number, cy: number, r: number, fill: string): string {
  switch (shape) {
    case 'circle':
      return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}"/>`;
    case 'square': {
      const side = r * Math.sqrt(Math.PI);
      return `<rect x="${cx - side / 2}" y="${cy - side / 2}" width="${side}" height="${side}" fill="${fill}"/>`;
    }
    case 'triangle': {
      const points = trianglePoints(r)
        .map(([x, y]) => `${cx + x},${cy + y}`)
        .join(' ');
      return `<polygon points="${points}" fill="${fill}"/>`;
    }
  }
}

/**
 * Scale-free shape statistics of a region: ρ = E[x²y²] / (E[x²]·E[y²]) about the centroid (1 for an axis-aligned square,
 * 2/3 for a disc) and the normalized second moment (E[x²]+E[y²]) / area (1/(2π) for a disc, 1/6 for a square).
 * Computed here on a fine grid to calibrate the scene-CLIP fixture; the fixture computes the same on the image.
 */
export function shapeMoments(shape: ShapeName, grid = 400): { rho: number; nsm: number } {
  const r = 0.3;
  let n = 0;
  let sx2 = 0;
  let sy2 = 0;
  let sx2y2 = 0;
  let sx = 0;
  let sy = 0;
  const pts: [number, number][] = [];
  for (let i = 0; i < grid; i++) {
    for (let j = 0; j < grid; j++) {
      const dx = (i + 0.5) / grid - 0.5;
      const dy = (j + 0.5) / grid - 0.5;
      if (contains(shape, dx, dy, r)) {
        pts.push([dx, dy]);
        sx += dx;
        sy += dy;
        n++;
      }
    }
  }
  const cx = sx / n;
  const cy = sy / n;
  for (const [x0, y0] of pts) {
    const x2 = (x0 - cx) ** 2;
    const y2 = (y0 - cy) ** 2;
    sx2 += x2;
    sy2 += y2;
    sx2y2 += x2 * y2;
  }
  const area = n / (grid * grid);
  return { rho: sx2y2 / n / ((sx2 / n) * (sy2 / n)), nsm: (sx2 / n + sy2 / n) / area };
}
