import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '@contract';

/** config.json beside composer.onnx: what the module is, for which embedding size, and (compodiff) how to sample it. */
export const ComposerConfigSchema = z.object({
  composer: z.enum(['combiner', 'gated', 'compodiff']),
  /** The CLIP embedding size the module was trained on; must equal the library's. */
  embedding_dim: z.number().int().positive(),
  /** The CLIP model whose features it was trained on (a model id); the library must search with the same one. */
  clip_model: z.string().min(1),
  /**
   * The features it takes: "normalized" (unit length, as the library stores them) or "raw" (CLIP4Cir's Combiner takes the
   * unnormalized features of its own fine-tuned CLIP, which the library does not keep).
   */
  input_features: z.enum(['normalized', 'raw']),
  default_weights: z.object({ image: z.number().min(0), text: z.number().min(0) }).optional(),
  // compodiff only:
  num_train_timesteps: z.number().int().positive().default(1000),
  beta_schedule: z.enum(['linear', 'scaled_linear', 'squaredcos_cap_v2']).default('squaredcos_cap_v2'),
  beta_start: z.number().positive().optional(),
  beta_end: z.number().positive().optional(),
  prediction_type: z.enum(['epsilon', 'sample', 'v_prediction']).default('sample'),
  timestep_spacing: z.enum(['leading', 'trailing', 'linspace']).default('trailing'),
  default_steps: z.number().int().min(1).max(100).default(10),
  /** The denoiser works on embedding × scale (unit-norm CLIP embeddings scaled to its training statistics). */
  embedding_scale: z.number().positive().default(1),
});
export type ComposerConfig = z.output<typeof ComposerConfigSchema>;

export async function readComposerConfig(dir: string): Promise<ComposerConfig> {
  const file = join(dir, 'config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new AppError('MODEL_MISSING', `The composer config ${file} is missing or not JSON: ${(error as Error).message}`, { file });
  }
  const parsed = ComposerConfigSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('MODEL_MISMATCH', `The composer config ${file} is invalid: ${z.prettifyError(parsed.error)}`, { file });
  return parsed.data;
}

/** Refuses a composer trained on another CLIP's features, or on raw ones, with what it expects and what the library has. */
export function checkComposerFits(config: Pick<ComposerConfig, 'composer' | 'clip_model' | 'input_features'>, dir: string, servingModel: string): void {
  if (config.clip_model !== servingModel) {
    throw new AppError('MODEL_MISMATCH', `The ${config.composer} composer in ${dir} was trained on ${config.clip_model}'s features; the library searches with ${servingModel}. Expected ${config.clip_model}, found ${servingModel}.`, {
      dir,
      expected: config.clip_model,
      found: servingModel,
    });
  }
  if (config.input_features !== 'normalized') {
    throw new AppError('MODEL_MISMATCH', `The ${config.composer} composer in ${dir} takes raw (unnormalized) CLIP features; the library keeps unit-length ones. Expected raw, found normalized.`, {
      dir,
      expected: 'raw',
      found: 'normalized',
    });
  }
}
