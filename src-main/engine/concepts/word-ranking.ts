import type { ClipModel } from '../clip/clip-model';
import { dot } from '../shared/vector';
import { singleToken } from './attribute-space';

/** How many of the best-ranked attribute words span a concept's subspace (the paper uses about a hundred). */
export const RANKED_WORDS = 24;

/**
 * The attribute words most related to a concept, best first: each single-token word w of the vocabulary is scored by the
 * mean similarity of “a photo of a w <parent>” to the concept's photos (CLIP text → image), as the paper selects the
 * attributes related to the concept rather than a fixed list.
 */
export async function rankAttributeWords(clip: ClipModel, vocabulary: string[], parent: string, photos: Float32Array[], top = RANKED_WORDS): Promise<string[]> {
  const words = vocabulary.filter((w) => singleToken(clip.tokenizer, w) !== null);
  const features = await clip.encodeTexts(words.map((w) => `a photo of a ${w} ${parent}`));
  const scored = words.map((word, i) => ({ word, score: photos.reduce((s, p) => s + dot(p, features[i]!), 0) / photos.length }));
  return scored
    .sort((a, b) => b.score - a.score)
    .slice(0, top)
    .map((s) => s.word);
}
