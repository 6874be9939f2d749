import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharp } from '../../src-main/engine/shared/native-packages';
import { Random } from './random';
import { svgShape } from './shapes';
import { COLOR_NAMES, COLORS, SHAPES, type ColorName, type ShapeName } from './vocabulary';

export interface SceneLabel {
  file: string;
  color: ColorName;
  shape: ShapeName;
  background: ColorName;
  /** Centroid in [0, 1] of the image's width and height. */
  cx: number;
  cy: number;
  /** Radius of the equal-area disc, as a fraction of the shorter side. */
  radius: number;
  size: 'large' | 'small' | 'medium';
  horizontal: 'left' | 'right' | 'center';
  vertical: 'top' | 'bottom' | 'center';
}

const BACKGROUNDS: ColorName[] = ['white', 'black', 'gray', 'white', 'white'];

function hex([r, g, b]: readonly number[], rng: Random, jitter: number): string {
  const c = (v: number) =>
    Math.round(Math.min(1, Math.max(0, v + rng.range(-jitter, jitter))) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${c(r!)}${c(g!)}${c(b!)}`;
}

export interface SceneSpec {
  color: ColorName;
  shape: ShapeName;
  background: ColorName;
}

/** Renders one scene (the shape at a random place and size, inside CLIP's center crop) as a 300×240 PNG with its label. */
export async function renderScene(spec: SceneSpec, file: string, rng: Random, place?: Pick<SceneLabel, 'radius' | 'cx' | 'cy'>): Promise<{ png: Buffer; label: SceneLabel }> {
  const width = 300;
  const height = 240;
  const { color, shape, background } = spec;
  const radius = place?.radius ?? rng.range(0.1, 0.24);
  // Keep the shape inside the 240×240 center crop CLIP sees.
  const r = radius * height;
  const cxPx = place ? place.cx * width : rng.range(30 + r * 1.2, 270 - r * 1.2);
  const cyPx = place ? place.cy * height : rng.range(r * 1.25, height - r * 1.25);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect width="100%" height="100%" fill="${hex(COLORS[background], rng, 0.02)}"/>
${svgShape(shape, cxPx, cyPx, r, hex(COLORS[color], rng, 0.05))}</svg>`;
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  const cy = cyPx / height;
  const cropX = (cxPx - 30) / 240;
  const label: SceneLabel = {
    file,
    color,
    shape,
    background,
    cx: cxPx / width,
    cy,
    radius,
    size: radius > 0.2 ? 'large' : radius < 0.13 ? 'small' : 'medium',
    horizontal: cropX < 0.35 ? 'left' : cropX > 0.65 ? 'right' : 'center',
    vertical: cy < 0.35 ? 'top' : cy > 0.65 ? 'bottom' : 'center',
  };
  return { png, label };
}

/** Backgrounds a shape of this color can be drawn on (never its own color). */
export function backgroundsFor(color: ColorName, choices: readonly ColorName[] = BACKGROUNDS): ColorName[] {
  return choices.filter((b) => b !== color);
}

/**
 * Renders the synthetic world: every color × shape, `perCombo` times, at random positions and sizes on plain
 * backgrounds, as 300×240 PNGs (wider than tall, so CLIP's center crop is exercised) with ground-truth labels.
 */
export async function generateWorld(outDir: string, { seed = 7, perCombo = 2 } = {}): Promise<SceneLabel[]> {
  const rng = new Random(seed);
  await mkdir(outDir, { recursive: true });
  const labels: SceneLabel[] = [];
  for (const color of COLOR_NAMES) {
    for (const shape of SHAPES) {
      for (let k = 0; k < perCombo; k++) {
        const background = rng.pick(backgroundsFor(color));
        const file = `${color}-${shape}-${k}.png`;
        const { png, label } = await renderScene({ color, shape, background }, file, rng);
        await writeFile(join(outDir, file), png);
        labels.push(label);
      }
    }
  }
  await writeFile(join(outDir, 'labels.json'), JSON.stringify(labels, null, 2));
  return labels;
}
