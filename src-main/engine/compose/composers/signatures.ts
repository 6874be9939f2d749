import type { Signature } from '../../models/signature';

/**
 * CLIP4Cir's Combiner exported to ONNX: both features [B, D] (L2-normalized CLIP embeddings) in, the combined feature
 * out. Inside: ReLU projections of each, concatenation, a hidden layer to an output layer, and a dynamic scalar
 * λ = σ(MLP(concat)) mixing the inputs: out = normalize(output(hidden) + λ·text + (1 − λ)·image).
 */
export const COMBINER: Signature = {
  role: 'Combiner composer (CLIP4Cir)',
  inputs: [
    { name: 'image_features', type: 'float32', rank: 2 },
    { name: 'text_features', type: 'float32', rank: 2 },
  ],
  outputs: [{ name: 'combined_features', type: 'float32', rank: 2 }],
};

/**
 * CDD-ICM's gated fusion: state u and condition v [B, D] in, f(u, v) = g⊙h + (1 − g)⊙u out, with
 * g = σ(W_g[u; v; u⊙v; u−v] + b_g) and h = gelu(W_h[u; v; u⊙v; u−v] + b_h).
 */
export const GATED: Signature = {
  role: 'gated-fusion composer (CDD-ICM)',
  inputs: [
    { name: 'state', type: 'float32', rank: 2 },
    { name: 'condition', type: 'float32', rank: 2 },
  ],
  outputs: [{ name: 'fused', type: 'float32', rank: 2 }],
};

/**
 * CompoDiff's denoiser over CLIP image embeddings: the noisy embedding [B, D], the timestep [B], the image condition
 * [B, D] (zeros = ∅; the negative text's embedding replaces ∅ when given), the text condition as the CLIP text
 * encoder's token states [B, L, H] (zeros = ∅), and the mask condition [B, 1, 64, 64] (1 = may change; zeros = no
 * region). The output is x̂₀ or ε̂ as config.json's prediction_type says.
 */
export const COMPODIFF: Signature = {
  role: 'CompoDiff denoiser',
  inputs: [
    { name: 'noisy_embedding', type: 'float32', rank: 2 },
    { name: 'timestep', type: 'int64', rank: 1 },
    { name: 'image_condition', type: 'float32', rank: 2 },
    { name: 'text_condition', type: 'float32', rank: 3 },
    { name: 'mask_condition', type: 'float32', rank: 4 },
  ],
  outputs: [{ name: 'model_output', type: 'float32', rank: 2 }],
};

/** The side of the mask condition. */
export const MASK_SIZE = 64;
