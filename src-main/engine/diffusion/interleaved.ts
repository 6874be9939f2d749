/**
 * Re-Imagen's interleaved classifier-free guidance, with text condition c_p and neighbour (image) condition c_n:
 *   text-enhanced step:      ε̂ = γ·ε(x, c_n, c_p) − (γ−1)·ε(x, c_n)
 *   neighbour-enhanced step: ε̂ = γ·ε(x, c_n, c_p) − (γ−1)·ε(x, c_p)
 * A fraction η of the steps is text-enhanced. Each step needs two model branches (the full one and one other), where
 * dual guidance needs three.
 */

import { interleavedSchedule } from '@contract';

export type GuidanceStepKind = 'text' | 'neighbour';

export { interleavedSchedule };

/** A schedule as a compact string for recipes and the UI: "T" for text-enhanced, "N" for neighbour-enhanced steps. */
export function scheduleString(schedule: GuidanceStepKind[]): string {
  return schedule.map((s) => (s === 'text' ? 'T' : 'N')).join('');
}

/** γ·ε(full) − (γ−1)·ε(other), elementwise: the one formula both kinds of interleaved step use. */
export function enhance(full: Float32Array, other: Float32Array, gamma: number): Float32Array {
  const out = new Float32Array(full.length);
  for (let i = 0; i < out.length; i++) out[i] = gamma * full[i]! - (gamma - 1) * other[i]!;
  return out;
}
