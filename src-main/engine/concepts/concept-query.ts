import { AppError } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import type { ConceptsRepository } from '../storage/library/concepts-repository';
import { encodeWithTokens, expandMentions, mentions, MENTION, type ConceptToken } from './concept-text';
import { chooseGairWeight } from './gair';

/** Attribute words averaged into the GAIR context query. */
const GAIR_ATTRIBUTES = 5;

/** The token of a concept for a model, or an error saying which model it needs (null: no such concept). */
export function conceptToken(concepts: ConceptsRepository, name: string, model: string): ConceptToken | null {
  const stored = concepts.byName(name);
  if (!stored) return null;
  if (stored.model !== model) throw new AppError('MODEL_MISMATCH', `*${name} was learned for ${stored.model}; search now uses ${model}. Teach it again with this model.`);
  return { name: stored.name, parent: stored.parent, embedding: stored.embedding };
}

/**
 * Both parts of a GAIR query for a text that names concepts: g([t,*,c]) with the learned tokens, and g([t,a_i,c]) for
 * the concepts' nearest attribute words a_i (GAIR_ATTRIBUTES contexts).
 */
export async function encodeConceptQuery(concepts: ConceptsRepository, clip: ClipModel, model: string, text: string): Promise<{ token: Float32Array; context: Float32Array[] }> {
  const { text: expanded, concepts: tokens } = expandMentions(text, (name) => conceptToken(concepts, name, model));
  const [feature] = await encodeWithTokens(await clip.tokenEmbeddingEncoder(), clip.tokenizer, [{ text: expanded, tokens: tokens.map((c) => c.embedding) }]);
  const attributes = tokens.map((c) => concepts.byName(c.name)!.attributes.map((a) => a.word));
  const contexts = Array.from({ length: GAIR_ATTRIBUTES }, (_, i) => {
    let k = 0;
    return text.replace(MENTION, () => {
      const c = tokens[k]!;
      const words = attributes[k++]!;
      return `${words[i % Math.max(1, words.length)] ?? ''} ${c.parent}`.trim();
    });
  });
  return { token: feature!, context: await clip.encodeTexts(contexts) };
}

/**
 * Algorithm 1 without a generator: for each w, the photos the query q(w) finds (instead of generated images) are
 * scored by min(similarity to the context query's photos, similarity to the concept's own photos); the best w wins.
 */
export async function chooseConceptGair(
  concepts: ConceptsRepository,
  text: string,
  encode: (w: number) => Promise<Float32Array>,
  retrieve: (query: Float32Array) => Promise<Float32Array[]>,
): Promise<{ w: number; scores: { w: number; score: number }[]; proxy: string }> {
  const names = mentions(text);
  if (names.length === 0) throw new AppError('INVALID_PARAMS', 'The query names no concept (*name).');
  const own = concepts.byName(names[0]!)?.positives;
  if (!own) throw new AppError('UNAVAILABLE', `*${names[0]} has no training photos stored (imported?), so w cannot be chosen automatically.`);
  const dim = (await encode(1)).length;
  const photos = Array.from({ length: own.length / dim }, (_, i) => own.slice(i * dim, (i + 1) * dim));
  const chosen = await chooseGairWeight(encode, retrieve, photos);
  return { ...chosen, proxy: 'library photos retrieved by each query stand in for generated images (no generator installed)' };
}
