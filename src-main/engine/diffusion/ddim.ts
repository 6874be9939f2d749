/**
 * DDIM (Song et al., η = 0: deterministic), over flat Float32Array samples of any shape, as diffusers' DDIMScheduler.
 * The model output is turned into the predicted clean sample x̂₀ and noise ε̂ by its parametrization, then
 * x_{t−1} = √ᾱ_prev·x̂₀ + √(1 − ᾱ_prev)·ε̂.
 */
export type PredictionType = 'epsilon' | 'sample' | 'v_prediction';
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/** The timesteps visited, from noisiest to cleanest, as diffusers spaces them. */
export function ddimTimesteps(numTrainTimesteps: number, steps: number, spacing: TimestepSpacing = 'leading', offset = 0): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > numTrainTimesteps) {
    throw new RangeError(`steps must be an integer in 1…${numTrainTimesteps}, not ${steps}`);
  }
  const T = numTrainTimesteps;
  let ts: number[];
  if (spacing === 'leading') {
    const ratio = Math.floor(T / steps);
    ts = Array.from({ length: steps }, (_, i) => i * ratio + offset);
  } else if (spacing === 'trailing') {
    const ratio = T / steps;
    ts = Array.from({ length: steps }, (_, i) => Math.round(T - i * ratio) - 1).reverse();
  } else {
    ts = Array.from({ length: steps }, (_, i) => Math.round(steps === 1 ? 0 : ((T - 1) * i) / (steps - 1)));
  }
  return ts.reverse();
}

export interface DdimStep {
  /** x_{t−1}. */
  prev: Float32Array;
  /** The predicted clean sample x̂₀ at this step (previews, and the result after the last step). */
  predictedOriginal: Float32Array;
}

/**
 * One DDIM step from timestep t to `prevT` (−1 after the last step, where ᾱ_prev is `finalAlphaCumprod`:
 * 1 with set_alpha_to_one, else ᾱ₀).
 */
export function ddimStep(
  modelOutput: Float32Array,
  t: number,
  prevT: number,
  sample: Float32Array,
  alphasCumprod: Float64Array,
  prediction: PredictionType,
  finalAlphaCumprod = 1,
): DdimStep {
  const alpha = alphasCumprod[t]!;
  const alphaPrev = prevT >= 0 ? alphasCumprod[prevT]! : finalAlphaCumprod;
  const sa = Math.sqrt(alpha);
  const sb = Math.sqrt(1 - alpha);
  const saPrev = Math.sqrt(alphaPrev);
  const sbPrev = Math.sqrt(1 - alphaPrev);
  const n = sample.length;
  const prev = new Float32Array(n);
  const x0 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = sample[i]!;
    const m = modelOutput[i]!;
    let predX0: number;
    let predEps: number;
    if (prediction === 'epsilon') {
      predX0 = (x - sb * m) / sa;
      predEps = m;
    } else if (prediction === 'sample') {
      predX0 = m;
      predEps = (x - sa * m) / sb;
    } else {
      predX0 = sa * x - sb * m;
      predEps = sa * m + sb * x;
    }
    x0[i] = predX0;
    prev[i] = saPrev * predX0 + sbPrev * predEps;
  }
  return { prev, predictedOriginal: x0 };
}
