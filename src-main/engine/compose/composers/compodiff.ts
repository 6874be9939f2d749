import { ort } from '../../shared/native-packages';
import { AppError, type ComposeWeights } from '@contract';
import { ddimStep, ddimTimesteps } from '../../diffusion/ddim';
import { dualGuidance } from '../../diffusion/guidance';
import { SeededRandom } from '../../shared/rng';
import { alphasCumprod } from '../../diffusion/schedules';
import type { RunnableSession, SessionPool } from '../../models/session-pool';
import { normalized } from '../../shared/embedding-math';
import type { ComposerConfig } from './config';
import { checkEmbeddingDims } from './dims';
import { steer } from './steer';
import { COMPODIFF, MASK_SIZE } from './signatures';
import type { ComposeOptions, Composer, Conditions, TextCondition } from './types';

/** The fixed sequence length a denoiser's text input wants (e.g. 77), or undefined when it takes any. */
export function textConditionLength(session: RunnableSession): number | undefined {
  const meta = session.inputMetadata.find((m) => m.name === 'text_condition');
  const length = meta?.isTensor ? meta.shape[1] : undefined;
  return typeof length === 'number' ? length : undefined;
}

/**
 * CompoDiff: edits the reference's CLIP embedding with a diffusion model in embedding space, sampled here with DDIM.
 * Each step runs the three guidance branches in one batch — (∅ or negative, ∅), (c_I, ∅), (c_I, c_T), the text's ∅ being the
 * encoder's states of "" — and combines
 * them with w_I and w_T (dual classifier-free guidance). Several texts apply one after another: each result is the image
 * condition of the next. The region goes in as the mask condition. Deterministic for a seed.
 */
export function compodiffComposer(file: string, config: ComposerConfig, pool: SessionPool): Composer & { tokenLength(): Promise<number | undefined> } {
  const alphas = alphasCumprod({
    numTrainTimesteps: config.num_train_timesteps,
    betaSchedule: config.beta_schedule,
    ...(config.beta_start !== undefined ? { betaStart: config.beta_start } : {}),
    ...(config.beta_end !== undefined ? { betaEnd: config.beta_end } : {}),
  });
  const scale = config.embedding_scale;

  async function sample(
    session: RunnableSession,
    dim: number,
    image: Float32Array | null,
    text: TextCondition,
    negative: TextCondition | null,
    nullText: TextCondition,
    mask: Float32Array | null,
    weights: ComposeWeights,
    options: ComposeOptions,
  ): Promise<Float32Array> {
    const tokens = text.tokens;
    const nothing = nullText.tokens;
    if (!tokens || !nothing) throw new Error('compodiff needs token states, also of the null text ""');
    const tokenSize = tokens.length * tokens.hidden;
    if (nothing.states.length !== tokenSize) throw new Error('compodiff: the null text\'s token states differ in shape from the text\'s');
    const imageCond = new Float32Array(3 * dim);
    // Row 0 is the null condition, which the negative text's embedding replaces (CompoDiff).
    if (negative) imageCond.set(negative.embedding.map((v) => v * scale), 0);
    if (image) {
      const scaled = image.map((v) => v * scale);
      imageCond.set(scaled, dim);
      imageCond.set(scaled, 2 * dim);
    }
    // Rows 0 and 1 take ∅ for the text: the encoder's states of "" (the slides' ∅), not zeros.
    const textCond = new Float32Array(3 * tokenSize);
    textCond.set(nothing.states, 0);
    textCond.set(nothing.states, tokenSize);
    textCond.set(tokens.states, 2 * tokenSize);
    const maskPlane = MASK_SIZE * MASK_SIZE;
    const maskCond = new Float32Array(3 * maskPlane);
    if (mask) for (let r = 0; r < 3; r++) maskCond.set(mask, r * maskPlane);
    const fixed = {
      image_condition: new ort.Tensor('float32', imageCond, [3, dim]),
      text_condition: new ort.Tensor('float32', textCond, [3, tokens.length, tokens.hidden]),
      mask_condition: new ort.Tensor('float32', maskCond, [3, 1, MASK_SIZE, MASK_SIZE]),
    };

    const timesteps = ddimTimesteps(config.num_train_timesteps, Math.min(options.steps, config.num_train_timesteps), config.timestep_spacing);
    let x = new SeededRandom(options.seed).normals(dim);
    for (let i = 0; i < timesteps.length; i++) {
      const t = timesteps[i]!;
      const batch = new Float32Array(3 * dim);
      for (let r = 0; r < 3; r++) batch.set(x, r * dim);
      const result = await session.run(
        { ...fixed, noisy_embedding: new ort.Tensor('float32', batch, [3, dim]), timestep: new ort.Tensor('int64', BigInt64Array.from([t, t, t].map(BigInt)), [3]) },
        ['model_output'],
      );
      const out = result.model_output!.data as Float32Array;
      if (out.length !== 3 * dim) throw new AppError('MODEL_MISMATCH', `${file} returned ${out.length / 3} values per row for a ${dim}-d embedding.`);
      const guided = dualGuidance(out.subarray(0, dim), out.subarray(dim, 2 * dim), out.subarray(2 * dim), weights.image, weights.text);
      x = ddimStep(guided, t, timesteps[i + 1] ?? -1, x, alphas, config.prediction_type).prev;
    }
    return normalized(x);
  }

  return {
    id: 'compodiff',
    needsTokens: true,
    takesMask: true,
    tokenLength: async () => textConditionLength((await pool.get(file, COMPODIFF)).session),
    compose: async (conditions: Conditions, weights, options) => {
      if (conditions.texts.length === 0) return steer(conditions, weights, null);
      const { session } = await pool.get(file, COMPODIFF);
      checkEmbeddingDims(session, ['noisy_embedding', 'image_condition'], conditions.dim, config.embedding_dim, file);
      const meta = session.inputMetadata.find((m) => m.name === 'text_condition');
      const hidden = meta?.isTensor ? meta.shape[2] : undefined;
      const got = conditions.texts[0]!.tokens?.hidden;
      if (typeof hidden === 'number' && hidden !== got) {
        throw new AppError('MODEL_MISMATCH', `${file} takes ${hidden}-wide text tokens, but the library's CLIP text encoder makes ${got}-wide ones.`, { file });
      }
      if (!conditions.nullText) throw new AppError('INTERNAL', 'compodiff needs the condition of the empty text "" as its null text.');
      let state = conditions.image;
      for (const text of conditions.texts) {
        state = await sample(session, conditions.dim, state, text, conditions.negative, conditions.nullText, conditions.mask, weights, options);
      }
      return state!;
    },
  };
}
