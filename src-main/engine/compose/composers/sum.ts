import { weightedSum } from '../../shared/embedding-math';
import { steer, textDirection } from './steer';
import type { Composer } from './types';

/** CLIP4Cir's baseline: normalize(w_I·f_img + w_T·f_txt) − negative. Works with any CLIP; order of texts does not matter. */
export const sumComposer: Composer = {
  id: 'sum',
  needsTokens: false,
  takesMask: false,
  compose: async (conditions, weights) => {
    const text = textDirection(conditions);
    const phi = conditions.image && text ? weightedSum(conditions.dim, [[1, conditions.image], [1, text]]) : null;
    return steer(conditions, weights, phi);
  },
};
