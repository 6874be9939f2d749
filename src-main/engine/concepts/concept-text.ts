import { AppError } from '@contract';
import type { TokenEmbeddingEncoder } from '../clip/clip-model';
import type { ClipTokenizer } from '../clip/tokenizer';

/** A learned token as text encoding needs it. */
export interface ConceptToken {
  name: string;
  parent: string;
  embedding: Float32Array;
}

/** "*name" in any text; the name as concepts are named (letters, digits, _ and -). */
export const MENTION = /\*([\p{L}\p{N}_-]+)/gu;

/** The concept names a text mentions, in order. */
export function mentions(text: string): string[] {
  return [...text.matchAll(MENTION)].map((m) => m[1]!.toLowerCase());
}

/**
 * Rewrites "*name" as "* parent" (the placeholder token followed by the concept's parent word, as in "image of a * mug"),
 * returning the concepts in the order their placeholders appear. Unknown names are an error that lists the known ones.
 */
export function expandMentions(text: string, lookup: (name: string) => ConceptToken | null): { text: string; concepts: ConceptToken[] } {
  const concepts: ConceptToken[] = [];
  const expanded = text.replace(MENTION, (_, raw: string) => {
    const concept = lookup(raw.toLowerCase());
    if (!concept) throw new AppError('NOT_FOUND', `No concept “*${raw}”. Teach it in Concepts first, or check the name.`, { name: raw });
    concepts.push(concept);
    return `* ${concept.parent}`;
  });
  return { text: expanded, concepts };
}

/**
 * Encodes texts whose "*" placeholders stand for token embeddings: the rows the tokenizer's lookup would give, with the
 * placeholder rows replaced in order. Returns L2-normalized text features.
 */
export async function encodeWithTokens(encoder: TokenEmbeddingEncoder, tokenizer: ClipTokenizer, items: { text: string; tokens: Float32Array[] }[]): Promise<Float32Array[]> {
  if (items.length === 0) return [];
  const placeholder = tokenizer.encode('*')[1]!;
  const batch = tokenizer.encodeBatch(items.map((i) => i.text), encoder.length);
  const rows = encoder.lookUp(batch);
  const dim = encoder.dim;
  items.forEach((item, r) => {
    let k = 0;
    for (let p = 0; p < batch.length; p++) {
      if (batch.ids[r * batch.length + p] !== BigInt(placeholder)) continue;
      const token = item.tokens[k++];
      if (!token) throw new AppError('INVALID_PARAMS', `“${item.text}” has more “*” than concepts.`);
      if (token.length !== dim) throw new AppError('MODEL_MISMATCH', `A concept token has ${token.length} values; this text encoder's tokens have ${dim}. It was learned with another model.`);
      rows.set(token, (r * batch.length + p) * dim);
    }
    if (k !== item.tokens.length) throw new AppError('INVALID_PARAMS', `“${item.text}” lost a concept placeholder (too long for the text encoder?).`);
  });
  return encoder.encode(batch, rows);
}
