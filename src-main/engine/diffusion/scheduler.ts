import { ddimStep, ddimTimesteps, type PredictionType, type TimestepSpacing } from './ddim';
import { alphasCumprod, type BetaSchedule } from './schedules';

/**
 * Samplers over flat Float32Array latents, as diffusers implements them (ε-, x₀- and v-prediction):
 * - ddim: DDIM, η = 0;
 * - euler-ancestral: k-diffusion's Euler ancestral in σ = √((1−ᾱ)/ᾱ) space, inputs scaled by 1/√(σ²+1);
 * - dpmpp-2m: DPM-Solver++ (2M, midpoint), first order at the first and last step.
 */
export const SCHEDULERS = ['ddim', 'euler-ancestral', 'dpmpp-2m'] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];

export interface SchedulerConfig {
  numTrainTimesteps: number;
  betaSchedule: BetaSchedule;
  betaStart?: number;
  betaEnd?: number;
  predictionType: PredictionType;
  timestepSpacing: TimestepSpacing;
  stepsOffset: number;
  /** DDIM's ᾱ after the last step: 1 (set_alpha_to_one) or ᾱ₀. */
  setAlphaToOne: boolean;
}

export interface SchedulerStep {
  prev: Float32Array;
  predictedOriginal: Float32Array;
}

export interface Scheduler {
  readonly name: SchedulerName;
  /** Timesteps fed to the model, noisiest first. */
  readonly timesteps: number[];
  /** Scale of the initial noise. */
  readonly initNoiseSigma: number;
  scaleModelInput(sample: Float32Array, index: number): Float32Array;
  /** `noise` supplies fresh N(0,1) values for ancestral samplers. */
  step(modelOutput: Float32Array, index: number, sample: Float32Array, noise: (n: number) => Float32Array): SchedulerStep;
  /** Clean latents noised to the level of step `index` (img2img / strength). */
  addNoise(original: Float32Array, noise: Float32Array, index: number): Float32Array;
}

/** Reads diffusers' scheduler_config.json keys. */
export function schedulerConfigFrom(raw: Record<string, unknown>): SchedulerConfig {
  const num = (k: string, d: number) => (typeof raw[k] === 'number' ? (raw[k] as number) : d);
  const str = <T extends string>(k: string, d: T, allowed: readonly T[]) => (allowed.includes(raw[k] as T) ? (raw[k] as T) : d);
  return {
    numTrainTimesteps: num('num_train_timesteps', 1000),
    betaSchedule: str('beta_schedule', 'scaled_linear', ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const),
    betaStart: num('beta_start', 0.00085),
    betaEnd: num('beta_end', 0.012),
    predictionType: str('prediction_type', 'epsilon', ['epsilon', 'sample', 'v_prediction'] as const),
    timestepSpacing: str('timestep_spacing', 'leading', ['leading', 'trailing', 'linspace'] as const),
    stepsOffset: num('steps_offset', 0),
    setAlphaToOne: raw.set_alpha_to_one === true,
  };
}

function toX0(prediction: PredictionType, output: number, x: number, alpha: number): number {
  const sa = Math.sqrt(alpha);
  const sb = Math.sqrt(1 - alpha);
  if (prediction === 'epsilon') return (x - sb * output) / sa;
  if (prediction === 'sample') return output;
  return sa * x - sb * output;
}

export function createScheduler(name: SchedulerName, config: SchedulerConfig, steps: number): Scheduler {
  const alphas = alphasCumprod({ numTrainTimesteps: config.numTrainTimesteps, betaSchedule: config.betaSchedule, betaStart: config.betaStart, betaEnd: config.betaEnd });
  const timesteps = ddimTimesteps(config.numTrainTimesteps, steps, config.timestepSpacing, config.stepsOffset);
  const vpNoise = (original: Float32Array, noise: Float32Array, index: number) => {
    const a = alphas[timesteps[index]!]!;
    const sa = Math.sqrt(a);
    const sb = Math.sqrt(1 - a);
    return original.map((x, i) => sa * x + sb * noise[i]!);
  };
  if (name === 'ddim') {
    const final = config.setAlphaToOne ? 1 : alphas[0]!;
    return {
      name,
      timesteps,
      initNoiseSigma: 1,
      scaleModelInput: (x) => x,
      step: (out, i, x) => ddimStep(out, timesteps[i]!, timesteps[i + 1] ?? -1, x, alphas, config.predictionType, final),
      addNoise: vpNoise,
    };
  }
  if (name === 'euler-ancestral') return eulerAncestral(config, alphas, timesteps);
  return dpmSolverPP2M(config, alphas, timesteps, vpNoise);
}

function eulerAncestral(config: SchedulerConfig, alphas: Float64Array, timesteps: number[]): Scheduler {
  const sigmas = [...timesteps.map((t) => Math.sqrt((1 - alphas[t]!) / alphas[t]!)), 0];
  const max = sigmas[0]!;
  return {
    name: 'euler-ancestral',
    timesteps,
    initNoiseSigma: config.timestepSpacing === 'leading' ? Math.sqrt(max * max + 1) : max,
    scaleModelInput: (x, i) => {
      const s = 1 / Math.sqrt(sigmas[i]! ** 2 + 1);
      return x.map((v) => v * s);
    },
    step: (out, i, x, noise) => {
      const sigma = sigmas[i]!;
      const next = sigmas[i + 1]!;
      const up = Math.sqrt((next * next * (sigma * sigma - next * next)) / (sigma * sigma));
      const down = Math.sqrt(next * next - up * up);
      const fresh = noise(x.length);
      const prev = new Float32Array(x.length);
      const x0 = new Float32Array(x.length);
      for (let k = 0; k < x.length; k++) {
        const v = x[k]!;
        const m = out[k]!;
        const pred =
          config.predictionType === 'epsilon'
            ? v - sigma * m
            : config.predictionType === 'sample'
              ? m
              : m * (-sigma / Math.sqrt(sigma * sigma + 1)) + v / (sigma * sigma + 1);
        x0[k] = pred;
        const d = (v - pred) / sigma;
        prev[k] = v + d * (down - sigma) + fresh[k]! * up;
      }
      return { prev, predictedOriginal: x0 };
    },
    addNoise: (original, noise, i) => original.map((x, k) => x + noise[k]! * sigmas[i]!),
  };
}

function dpmSolverPP2M(config: SchedulerConfig, alphas: Float64Array, timesteps: number[], addNoise: Scheduler['addNoise']): Scheduler {
  // VP parametrization: x_t = α_t·x₀ + σ_t·ε, λ_t = log(α_t/σ_t). After the last step σ = 0 (diffusers' final_sigmas_type "zero").
  const at = (t: number) => ({ alpha: Math.sqrt(alphas[t]!), sigma: Math.sqrt(1 - alphas[t]!) });
  const lambda = (p: { alpha: number; sigma: number }) => Math.log(p.alpha) - Math.log(p.sigma);
  let previous: { x0: Float32Array; lambda: number } | null = null;
  return {
    name: 'dpmpp-2m',
    timesteps,
    initNoiseSigma: 1,
    scaleModelInput: (x) => x,
    step: (out, i, x) => {
      const t = timesteps[i]!;
      const s = at(t);
      const x0 = Float32Array.from(out, (m, k) => toX0(config.predictionType, m, x[k]!, alphas[t]!));
      const last = i === timesteps.length - 1;
      if (i === 0) previous = null;
      let prev: Float32Array;
      if (last) {
        prev = x0.slice();
      } else {
        const n = at(timesteps[i + 1]!);
        const h = lambda(n) - lambda(s);
        const first = n.alpha * (Math.exp(-h) - 1);
        if (!previous) {
          prev = Float32Array.from(x, (v, k) => (n.sigma / s.sigma) * v - first * x0[k]!);
        } else {
          const r = (lambda(s) - previous.lambda) / h;
          const before = previous.x0;
          prev = Float32Array.from(x, (v, k) => {
            const d1 = (x0[k]! - before[k]!) / r;
            return (n.sigma / s.sigma) * v - first * x0[k]! - 0.5 * first * d1;
          });
        }
      }
      previous = { x0, lambda: lambda(s) };
      return { prev, predictedOriginal: x0 };
    },
    addNoise,
  };
}
