import { mentions } from '../concepts/concept-text';
import { reciprocalRankFusion } from './fusion';

export const DEFAULT_NEIGHBOURS = 3;

/** A neighbour picture: where it came from, where it is, and its content hash (what recipes record). */
export interface Neighbour {
  source: 'concept' | 'library' | 'file';
  path: string;
  name: string;
  sha256: string | null;
  itemId: number | null;
  /** The concept that brought it (source "concept"). */
  concept?: string;
  /** A thumbnail URL, where the studio has one. */
  thumb?: string | null;
}

export interface NeighbourDeps {
  /** The photos a concept was taught with, or null when no concept has that name. */
  conceptPhotos(name: string): { path: string; sha256: string | null; thumb?: string | null }[] | null;
  /** Library items ranked by CLIP text → image similarity, best first; null when no CLIP model is installed. */
  clipRanking(text: string, limit: number): Promise<number[] | null>;
  /** Library items ranked by BM25 over names, folders and tags, best first. */
  nameRanking(text: string, limit: number): number[];
  item(id: number): { path: string; name: string; hash: string | null; thumb?: string | null };
  /** The prompt as the library's encoders read it ("*name" spelled out). */
  describe(text: string): string;
}

/** How deep each ranking is read before fusing. */
const DEPTH = 50;

/**
 * The k neighbours of a prompt: the photos of each concept the prompt names ("*name"), first and in mention order, then
 * library items fused from CLIP text → image and BM25 rankings by reciprocal-rank fusion. No duplicates (by content).
 */
export async function retrieveNeighbours(deps: NeighbourDeps, prompt: string, k = DEFAULT_NEIGHBOURS): Promise<{ neighbours: Neighbour[]; note: string | null }> {
  const out: Neighbour[] = [];
  const seen = new Set<string>();
  const add = (n: Neighbour) => {
    const key = n.sha256 ?? n.path;
    if (seen.has(key) || out.length >= k) return;
    seen.add(key);
    out.push(n);
  };
  for (const name of mentions(prompt)) {
    for (const photo of deps.conceptPhotos(name) ?? []) add({ source: 'concept', path: photo.path, name: `*${name}`, sha256: photo.sha256, itemId: null, concept: name, thumb: photo.thumb ?? null });
  }
  if (out.length >= k) return { neighbours: out, note: null };
  const text = deps.describe(prompt);
  const [clip, names] = [await deps.clipRanking(text, DEPTH), deps.nameRanking(text, DEPTH)];
  for (const { id } of reciprocalRankFusion([clip ?? [], names])) {
    const item = deps.item(id);
    add({ source: 'library', path: item.path, name: item.name, sha256: item.hash, itemId: id, thumb: item.thumb ?? null });
    if (out.length >= k) break;
  }
  const note = clip === null ? 'No CLIP model is installed, so neighbours were found by file names, folders and tags only.' : null;
  return { neighbours: out, note };
}
