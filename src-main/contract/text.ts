import { z } from 'zod';

export const TokenCountParamsSchema = z
  .object({
    text: z.string().max(10_000),
    /** Whose tokenizer: a CLIP or Stable Diffusion model id (default: the library's CLIP model). */
    model: z.string().min(1).max(100).optional(),
  })
  .strict();
export type TokenCountParams = z.infer<typeof TokenCountParamsSchema>;

/** How a text tokenizes for a CLIP text encoder (CLIP search, Stable Diffusion's text encoder), as A1111 counts it. */
export const TokenCountSchema = z.object({
  model: z.string(),
  /** "model": the model's own tokenizer files; "bundled": the studio's CLIP tokenizer (same vocabulary) while the model is not installed. */
  tokenizer: z.enum(['model', 'bundled']),
  /** The ids the encoder reads: start token, text tokens, end token, cut to the context (77). */
  ids: z.array(z.number().int()),
  /** The token strings of `ids` ("</w>" ends a word). */
  tokens: z.array(z.string()),
  /** The text's own tokens, without start and end, before cutting (A1111's "N" in "N/75"). */
  count: z.number().int(),
  /** How many text tokens the encoder reads: the context minus start and end (75). */
  limit: z.number().int(),
  /** The tokens past the limit, which the encoder never sees. */
  dropped: z.array(z.string()),
});
export type TokenCount = z.infer<typeof TokenCountSchema>;
