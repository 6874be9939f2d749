import { dot } from '../shared/vector';
import type { Db } from '../storage/db';
import { toVector } from './queries';

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

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Photos the words name exactly: a tag equal to the phrase, a title equal to it, or a file name that holds it as a
 * whole word ("client-x.jpg", "client-x_brief.png"); a quoted phrase also matches inside folders, titles and captions.
 */
export function exactMatches(db: Db, text: string): Set<number> {
  const { phrases, quoted } = exactPhrases(text);
  const out = new Set<number>();
  for (const phrase of phrases) {
    for (const id of db.prepare('SELECT file_id FROM tags WHERE tag = ?').pluck().all(phrase) as number[]) out.add(id);
    const like = `%${escapeLike(phrase)}%`;
    const rows = db
      .prepare(
        `SELECT id, name, folder, title, caption FROM files WHERE status = 'indexed' AND (lower(name) LIKE ? ESCAPE '\\' OR lower(coalesce(title, '')) LIKE ? ESCAPE '\\'
         ${quoted ? "OR lower(folder) LIKE ? ESCAPE '\\' OR lower(coalesce(caption, '')) LIKE ? ESCAPE '\\'" : ''})`,
      )
      .all(...(quoted ? [like, like, like, like] : [like, like])) as { id: number; name: string; folder: string; title: string | null; caption: string | null }[];
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
export function baseline(db: Db, model: string, query: Float32Array): { mean: number; std: number } | null {
  const count = db.prepare('SELECT count(*) FROM embeddings WHERE model = ?').pluck().get(model) as number;
  let sample = samples.get(model);
  if (!sample || sample.count !== count) {
    const step = Math.max(1, Math.floor(count / SAMPLE));
    const blobs = db
      .prepare('SELECT vector FROM (SELECT vector, row_number() OVER (ORDER BY file_id) AS n FROM embeddings WHERE model = ?) WHERE n % ? = 0 LIMIT ?')
      .pluck()
      .all(model, step, SAMPLE) as Buffer[];
    sample = { count, vectors: blobs.map(toVector) };
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
