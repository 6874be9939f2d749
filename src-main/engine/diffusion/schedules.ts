/**
 * Noise schedules (ᾱ_t = ∏(1 − β_s) for s ≤ t), as published and as diffusers names them, computed in float64:
 * - linear: β from β_start to β_end;
 * - scaled_linear (Stable Diffusion): √β linear from √β_start to √β_end, squared;
 * - squaredcos_cap_v2 (cosine, Nichol & Dhariwal; CDD-ICM): ᾱ(t) = f(t)/f(0), f(t) = cos²(((t/T) + s)/(1 + s)·π/2), s = 0.008,
 *   with β_t = min(1 − ᾱ(t+1)/ᾱ(t), 0.999).
 */
export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';

export interface ScheduleConfig {
  numTrainTimesteps: number;
  betaSchedule: BetaSchedule;
  betaStart?: number;
  betaEnd?: number;
}

export function betas({ numTrainTimesteps: T, betaSchedule, betaStart = 0.0001, betaEnd = 0.02 }: ScheduleConfig): Float64Array {
  const out = new Float64Array(T);
  if (betaSchedule === 'squaredcos_cap_v2') {
    const f = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (let i = 0; i < T; i++) out[i] = Math.min(1 - f((i + 1) / T) / f(i / T), 0.999);
    return out;
  }
  const step = (a: number, b: number, i: number) => (T === 1 ? a : a + ((b - a) * i) / (T - 1));
  for (let i = 0; i < T; i++) {
    out[i] = betaSchedule === 'linear' ? step(betaStart, betaEnd, i) : step(Math.sqrt(betaStart), Math.sqrt(betaEnd), i) ** 2;
  }
  return out;
}

export function alphasCumprod(config: ScheduleConfig): Float64Array {
  const b = betas(config);
  const out = new Float64Array(b.length);
  let prod = 1;
  for (let i = 0; i < b.length; i++) {
    prod *= 1 - b[i]!;
    out[i] = prod;
  }
  return out;
}
