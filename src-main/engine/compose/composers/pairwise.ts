import { ort } from '../../shared/native-packages';
import { AppError, type ComposerId } from '@contract';
import type { SessionPool } from '../../models/session-pool';
import type { Signature } from '../../models/signature';
import { normalized } from '../../shared/embedding-math';
import { checkEmbeddingDims } from './dims';
import { steer } from './steer';
import type { Composer } from './types';
import { COMBINER, GATED } from './signatures';

interface PairwiseModule {
  signature: Signature;
  /** Input names: the running state (starts as the reference) and the next text. */
  state: string;
  condition: string;
  output: string;
}

const MODULES: Record<'combiner' | 'gated', PairwiseModule> = {
  combiner: { signature: COMBINER, state: 'image_features', condition: 'text_features', output: 'combined_features' },
  gated: { signature: GATED, state: 'state', condition: 'condition', output: 'fused' },
};

/**
 * A learned two-input composer (CLIP4Cir's Combiner, CDD-ICM's gated fusion) applied once per text in order: the state
 * starts as the reference and each text updates it (u_k = normalize(m(u_{k−1}, t_k))), so later texts act on the result
 * of earlier ones. The weights then steer around the result (see steer).
 */
export function pairwiseComposer(id: 'combiner' | 'gated', file: string, embeddingDim: number, pool: SessionPool): Composer {
  const spec = MODULES[id];
  return {
    id: id as ComposerId,
    needsTokens: false,
    takesMask: false,
    compose: async (conditions, weights) => {
      if (!conditions.image || conditions.texts.length === 0) return steer(conditions, weights, null);
      const { session } = await pool.get(file, spec.signature);
      checkEmbeddingDims(session, [spec.state, spec.condition], conditions.dim, embeddingDim, file);
      let state = conditions.image;
      for (const text of conditions.texts) {
        const dims = [1, conditions.dim];
        const result = await session.run(
          { [spec.state]: new ort.Tensor('float32', state, dims), [spec.condition]: new ort.Tensor('float32', text.embedding, dims) },
          [spec.output],
        );
        const out = result[spec.output]!.data as Float32Array;
        if (out.length !== conditions.dim) throw new AppError('MODEL_MISMATCH', `${file} returned ${out.length} values for a ${conditions.dim}-d embedding.`);
        state = normalized(out);
      }
      return steer(conditions, weights, state);
    },
  };
}
