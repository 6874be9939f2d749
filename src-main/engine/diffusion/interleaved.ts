/**
 * Re-Imagen's interleaved classifier-free guidance, with text condition c_p and neighbour (image) condition c_n:
 *   text-enhanced step:      ε̂ = γ·ε(x, c_n, c_p) − (γ−1)·ε(x, c_n)
 *   neighbour-enhanced step: ε̂ = γ·ε(x, c_n, c_p) − (γ−1)·ε(x, c_p)
 * A fraction η of the steps is text-enhanced. Each step needs two model branches (the full one and one other), where
 * dual guidance needs three.
 */

export type GuidanceStepKind = 'text' | 'neighbour';

/**
 * Which steps are text-enhanced, for η and a step count: exactly round(η·steps) of them, spread evenly by Bresenham's
 * line rule counted back from the last step (with j = steps−1−i steps still to come, step i is text-enhanced when
 * ⌊(j+1)·k/n⌋ > ⌊j·k/n⌋ for k text steps of n). Deterministic: the same (η, steps) always gives the same schedule, so a
 * recipe records it and a replay checks it. Counting from the end makes the schedules nest where it matters most: the
 * last text-enhanced step (the last steps weigh most in a sampler's result) only moves later as η grows, so the result
 * moves monotonically towards the text; the first step is text-enhanced whenever any is.
 */
export function interleavedSchedule(eta: number, steps: number): GuidanceStepKind[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, not ${steps}`);
  if (!(eta >= 0 && eta <= 1)) throw new RangeError(`η must be between 0 and 1, not ${eta}`);
  const k = Math.round(eta * steps);
  const line = (j: number) => Math.floor((j * k) / steps);
  return Array.from({ length: steps }, (_, i) => {
    const j = steps - 1 - i;
    return line(j + 1) > line(j) ? 'text' : 'neighbour';
  });
}

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
