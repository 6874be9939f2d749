/** Pictures are edited at most this large (longest side), rounded to multiples of 64 as SD 1.x needs. */
export const MAX_SIDE = 768;
const MULTIPLE = 64;

/** The size a picture is edited at: its aspect, longest side ≤ MAX_SIDE, both sides multiples of 64. */
export function workingSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const round = (v: number) => Math.max(MULTIPLE, Math.round((v * scale) / MULTIPLE) * MULTIPLE);
  return { width: round(width), height: round(height) };
}
