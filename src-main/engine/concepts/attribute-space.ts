import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type * as MlPca from 'ml-pca';
import { AppError } from '@contract';
import type { ClipTokenizer } from '../clip/tokenizer';
import { lazyModule } from '../shared/lazy-module';

// Loaded when an attribute space is first built, not at startup.
const mlPca = lazyModule<typeof MlPca>('ml-pca');

/**
 * The attribute subspace of a text encoder's token-embedding table (Perera et al.): the mean μ and the first k principal
 * directions of the attribute words' embeddings. A concept token is e* = μ + Σ_j z_j·p_j, so it stays among
 * attribute-like embeddings and is searched for in k dimensions instead of the table's width.
 */
export interface AttributeSpace {
  /** Identifies the words, the table and k (a concept records the basis it was learned in). */
  id: string;
  words: string[];
  /** Each word's row of the token-embedding table. */
  rows: Float32Array[];
  mean: Float64Array;
  /** k principal directions, each `dim` long (unit length). */
  basis: Float64Array[];
  /** The spread of the words along each direction (standard deviation), to scale the search. */
  spread: number[];
  dim: number;
}

/** The attribute words (first column) of a TSV file; comment lines start with #. */
export async function readAttributeWords(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new AppError('NOT_FOUND', `The attribute word list ${file} could not be read: ${error.message}`);
  });
  return [...new Set(text.split('\n').map((l) => l.split('\t')[0]!.trim().toLowerCase()).filter((w) => w && !w.startsWith('#')))];
}

/** The single token of a word (null when the tokenizer splits it). */
export function singleToken(tokenizer: ClipTokenizer, word: string): number | null {
  const ids = tokenizer.encode(word);
  return ids.length === 3 ? ids[1]! : null;
}

export function buildAttributeSpace(table: Float32Array, dim: number, tokenizer: ClipTokenizer, candidates: string[], k: number): AttributeSpace {
  const words: string[] = [];
  const rows: Float32Array[] = [];
  for (const word of candidates) {
    const id = singleToken(tokenizer, word);
    if (id === null) continue;
    words.push(word);
    rows.push(table.slice(id * dim, (id + 1) * dim));
  }
  if (words.length < k + 1) throw new AppError('INVALID_PARAMS', `Only ${words.length} attribute words are single tokens; a ${k}-dimensional subspace needs more.`);
  const available = Math.min(words.length - 1, dim);
  if (k > available) throw new AppError('INVALID_PARAMS', `The attribute subspace can have at most ${available} dimensions here (${words.length} words, ${dim}-wide tokens); ${k} were asked for.`);
  const pca = new mlPca.PCA(rows.map((r) => [...r]), { center: true, scale: false });
  const loadings = pca.getLoadings(); // components × dim
  const sd = pca.getStandardDeviations();
  const mean = new Float64Array(dim);
  for (const r of rows) for (let i = 0; i < dim; i++) mean[i]! += r[i]! / rows.length;
  const basis = Array.from({ length: k }, (_, j) => Float64Array.from(loadings.getRow(j)));
  const id = createHash('sha256')
    .update(words.join(','))
    .update(new Uint8Array(mean.buffer))
    .update(String(k))
    .digest('hex')
    .slice(0, 16);
  return { id, words, rows, mean, basis, spread: sd.slice(0, k), dim };
}

/** e = μ + Σ z_j·p_j. */
export function embeddingOf(space: AttributeSpace, z: readonly number[]): Float32Array {
  const out = Float32Array.from(space.mean);
  z.forEach((zj, j) => {
    const p = space.basis[j]!;
    for (let i = 0; i < space.dim; i++) out[i]! += zj * p[i]!;
  });
  return out;
}

/** The attribute words whose embeddings are most like e (cosine), best first — the concept's "explanation". */
export function nearestWords(space: AttributeSpace, e: Float32Array, count: number): { word: string; similarity: number }[] {
  const norm = (v: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
    return Math.sqrt(s);
  };
  const ne = norm(e);
  return space.rows
    .map((r, i) => {
      let d = 0;
      for (let j = 0; j < space.dim; j++) d += r[j]! * e[j]!;
      return { word: space.words[i]!, similarity: d / (norm(r) * ne || 1) };
    })
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, count);
}
