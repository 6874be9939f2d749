import { dot } from '../shared/vector';
import type { EmbeddingsRepository } from '../storage/library/embeddings-repository';
import type { ListingRepository } from '../storage/library/listing-repository';
import type { TagsRepository } from '../storage/library/tags-repository';

/** A result this many standard deviations above the library's typical score for the query is shown… */
export const KEEP_Z = 1;
/**
 * …and at least one must reach this for the search to count as a good match. A statistical rule, not a calibrated one:
 * a word the model cannot picture can still find a photo that happens to stand out.
 */
export const GOOD_Z = 2.5;
/** The relevance bar is full from here. */
const FULL_Z = 4;
const SAMPLE = 256;

/** The words a search should find literally: "quoted phrases", or else the whole query. */
export function exactPhrases(text: string): { phrases: string[]; quoted: boolean; rest: string } {
  const quoted = [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1]!.trim().toLowerCase()).filter(Boolean);
  if (quoted.length) return { phrases: quoted, quoted: true, rest: text.replace(/"/g, ' ').replace(/\s+/g, ' ').trim() };
  const whole = text.trim().toLowerCase();
  return { phrases: whole ? [whole] : [], quoted: false, rest: text.trim() };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Photos the words name exactly: a tag equal to the phrase, a title equal to it, or a file name that holds it as a
 * whole word ("client-x.jpg", "client-x_brief.png"); a quoted phrase also matches inside folders, titles and captions.
 */
export function exactMatches(store: { listing: ListingRepository; tags: TagsRepository }, text: string): Set<number> {
  const { phrases, quoted } = exactPhrases(text);
  const out = new Set<number>();
  for (const phrase of phrases) {
    for (const id of store.tags.filesTagged(phrase)) out.add(id);
    const rows = store.listing.containing(phrase, quoted);
    const word = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegex(phrase)}($|[^\\p{L}\\p{N}])`, 'u');
    for (const row of rows) {
      const stem = row.name.toLowerCase().replace(/\.[^.]+$/, '');
      if (word.test(stem) || row.title?.toLowerCase() === phrase || (quoted && [row.folder, row.title ?? '', row.caption ?? ''].some((f) => f.toLowerCase().includes(phrase)))) out.add(row.id);
    }
  }
  return out;
}

/** Stored vectors spread evenly over the library, kept per model until the library's count changes. */
const samples = new Map<string, { count: number; vectors: Float32Array[] }>();

/** How this query scores against the library in general: the mean and spread of its similarity to a sample of photos. */
export function baseline(embeddings: EmbeddingsRepository, model: string, query: Float32Array): { mean: number; std: number } | null {
  const count = embeddings.count(model);
  let sample = samples.get(model);
  if (!sample || sample.count !== count) {
    sample = { count, vectors: embeddings.sample(model, SAMPLE) };
    samples.set(model, sample);
  }
  if (sample.vectors.length < 8) return null;
  const scores = sample.vectors.map((v) => dot(query, v));
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  return std > 1e-6 ? { mean, std } : null;
}

/** 0…1 for the relevance bar: 0 at the cut-off, 1 well above it. */
export function relevanceOf(z: number): number {
  return Math.max(0.04, Math.min(1, (z - KEEP_Z) / (FULL_Z - KEEP_Z)));
}
