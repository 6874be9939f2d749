import type { ComposeWeights, ComposerId } from '@contract';
import type { TextTokens } from '../../clip/clip-model';

export interface TextCondition {
  text: string;
  /** L2-normalized CLIP text embedding. */
  embedding: Float32Array;
  /** Token states, for composers that condition on tokens (compodiff). */
  tokens?: TextTokens;
}

/** Everything a composer composes, already embedded (and cached by the caller). */
export interface Conditions {
  dim: number;
  /** c_I: the reference's embedding (region-aware for composers without a mask input), or null for text-only queries. */
  image: Float32Array | null;
  /** Modification texts, in order. */
  texts: TextCondition[];
  negative: TextCondition | null;
  /** ∅ for the text: the text encoder's condition of "" (CompoDiff's null text), for composers that take tokens. */
  nullText?: TextCondition | null;
  /** The region as a 64×64 mask (1 = may change), for composers with a mask input. */
  mask: Float32Array | null;
}

export interface ComposeOptions {
  steps: number;
  seed: number;
}

/** One interface for every composer: condition embeddings + weights → a query embedding (L2-normalized). */
export interface Composer {
  readonly id: ComposerId;
  /** Whether texts must come with token states. */
  readonly needsTokens: boolean;
  /** Whether the region goes in as a mask (otherwise the caller folds it into the image condition). */
  readonly takesMask: boolean;
  compose(conditions: Conditions, weights: ComposeWeights, options: ComposeOptions): Promise<Float32Array>;
}
