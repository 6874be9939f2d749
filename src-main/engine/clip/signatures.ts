import type { Signature } from '../models/signature';

/** What the studio needs of a CLIP vision export (Hugging Face layout: onnx/vision_model.onnx). */
export const CLIP_VISION: Signature = {
  role: 'CLIP vision encoder',
  inputs: [{ name: 'pixel_values', type: 'float32', rank: 4 }],
  outputs: [{ name: 'image_embeds', type: 'float32', rank: 2 }],
};

/** What the studio needs of a CLIP text export (onnx/text_model.onnx); attention_mask is fed when present. */
export const CLIP_TEXT: Signature = {
  role: 'CLIP text encoder',
  inputs: [
    { name: 'input_ids', type: 'int64', rank: 2 },
    { name: 'attention_mask', type: 'int64', rank: 2, optional: true },
  ],
  outputs: [{ name: 'text_embeds', type: 'float32', rank: 2 }],
};

/** The CLIP text encoder after the token-embedding rewrite: embeddings in, ids still fed where the graph pools by them. */
export const CLIP_TEXT_EMBEDS: Signature = {
  role: 'CLIP text encoder with token-embedding input',
  inputs: [
    { name: 'inputs_embeds', type: 'float32', rank: 3 },
    { name: 'input_ids', type: 'int64', rank: 2, optional: true },
    { name: 'attention_mask', type: 'int64', rank: 2, optional: true },
  ],
  outputs: [{ name: 'text_embeds', type: 'float32', rank: 2 }],
};
