/**
 * The synthetic "scene world" (i-CLEVR-like: one colored shape on a plain background) and the words that describe it.
 * Shared by the image generator and the scene-CLIP fixture, so the fixture's weights are designed from the same facts.
 */

/** The eleven basic color terms, with a typical sRGB value in [0, 1]. */
export const COLORS = {
  red: [0.86, 0.1, 0.1],
  orange: [0.97, 0.55, 0.08],
  yellow: [0.96, 0.88, 0.12],
  green: [0.12, 0.62, 0.2],
  blue: [0.1, 0.25, 0.86],
  purple: [0.52, 0.16, 0.7],
  pink: [0.97, 0.52, 0.74],
  brown: [0.5, 0.3, 0.12],
  black: [0.05, 0.05, 0.05],
  white: [0.97, 0.97, 0.97],
  gray: [0.5, 0.5, 0.5],
} as const satisfies Record<string, readonly [number, number, number]>;

export type ColorName = keyof typeof COLORS;
export const COLOR_NAMES = Object.keys(COLORS) as ColorName[];

export const SHAPES = ['circle', 'square', 'triangle'] as const;
export type ShapeName = (typeof SHAPES)[number];

export const POSITIONS = ['left', 'right', 'top', 'bottom'] as const;
export const SIZES = ['large', 'small'] as const;

/** The scene-CLIP feature space: one interpretable dimension each. */
export const FEATURES = [
  ...COLOR_NAMES.map((c) => `color:${c}`),
  ...SHAPES.map((s) => `shape:${s}`),
  ...POSITIONS.map((p) => `position:${p}`),
  ...SIZES.map((s) => `size:${s}`),
  ...COLOR_NAMES.map((c) => `background:${c}`),
] as const;

export function featureIndex(name: string): number {
  const index = (FEATURES as readonly string[]).indexOf(name);
  if (index < 0) throw new Error(`unknown feature ${name}`);
  return index;
}

/** Words (as a designer would type them) and the features they name. */
export const WORD_FEATURES: Record<string, string[]> = {
  ...Object.fromEntries(COLOR_NAMES.map((c) => [c, [`color:${c}`]])),
  grey: ['color:gray'],
  violet: ['color:purple'],
  circle: ['shape:circle'],
  circles: ['shape:circle'],
  round: ['shape:circle'],
  disc: ['shape:circle'],
  dot: ['shape:circle'],
  square: ['shape:square'],
  squares: ['shape:square'],
  box: ['shape:square'],
  triangle: ['shape:triangle'],
  left: ['position:left'],
  right: ['position:right'],
  top: ['position:top'],
  upper: ['position:top'],
  bottom: ['position:bottom'],
  lower: ['position:bottom'],
  large: ['size:large'],
  big: ['size:large'],
  huge: ['size:large'],
  small: ['size:small'],
  tiny: ['size:small'],
  little: ['size:small'],
};
