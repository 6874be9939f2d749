import { AppError, type ComposedQuery, type ComposedQueryParsed, type ComposedResult, type ComposerInfo, type SavedQuery, type SearchQuery, type SearchResult } from '@contract';
import type { ClipProvider } from '../clip/clip-provider';
import type { ComposedSearch } from '../compose/composed-search';
import type { ComposerRegistry } from '../compose/composer-registry';
import type { SavedQueries } from '../compose/saved-queries';
import type { Concepts } from '../concepts/concepts';
import type { Library } from '../library/library';
import { phaseDone } from '../shared/phase-timings';
import { readRegularFile } from '../storage/regular-file';

export interface SearchServiceDeps {
  library: Library;
  clip: ClipProvider;
  /** Texts naming a concept (*name) are encoded with its learned token (GAIR). */
  concepts: Pick<Concepts, 'has' | 'encodeQuery'>;
  uploadPath: (id: string) => string;
  composedSearch: ComposedSearch;
  composers: ComposerRegistry;
  savedQueries: SavedQueries;
}

/** Library search (words, "more like", a dropped picture), composed search and saved queries. */
export class SearchService {
  constructor(private readonly deps: SearchServiceDeps) {}

  /** Searches the library; a dropped image (upload) is embedded with the library's CLIP model first. */
  async search(query: SearchQuery): Promise<SearchResult> {
    const { library, clip, concepts } = this.deps;
    // After a model switch, the previous model answers until the new one has embedded everything.
    const serving = library.servingModel();
    if (query.text && concepts.has(query.text) && query.uploadId === undefined && query.likeId === undefined) {
      const model = await clip.require(serving);
      const vector = await concepts.encodeQuery(model, serving, query.text, query.gairW);
      return library.search({ filters: query.filters, limit: query.limit, offset: query.offset }, model, vector, serving);
    }
    if (query.uploadId === undefined) {
      // "More like this" ranks by the item's stored vector: no encoder to load (a cold start saves the model's load).
      const model = query.likeId !== undefined ? null : await clip.get(serving);
      phaseDone('CLIP model (if installed)');
      return library.search(query, model, undefined, serving);
    }
    return this.byImage(await readRegularFile(this.deps.uploadPath(query.uploadId), { timeoutMs: 60_000 }), query);
  }

  /** "Like this picture": the picture's bytes embedded with the model that serves searches (also the CLI's `search --image`). */
  async byImage(bytes: Buffer, query: Omit<SearchQuery, 'uploadId' | 'text' | 'likeId'>): Promise<SearchResult> {
    const serving = this.deps.library.servingModel();
    const model = await this.deps.clip.require(serving);
    const [encoded] = await model.encodeImages([bytes]);
    if (!encoded!.ok) throw AppError.fromWire(encoded!.error);
    return this.deps.library.search(query, model, encoded!.embedding, serving);
  }

  compose(query: ComposedQueryParsed): Promise<ComposedResult> {
    return this.deps.composedSearch.run(query);
  }

  composers(): Promise<ComposerInfo[]> {
    return this.deps.composers.list();
  }

  listSaved(): SavedQuery[] {
    return this.deps.savedQueries.list();
  }

  save(name: string, query: ComposedQuery): SavedQuery {
    return this.deps.savedQueries.save(name, query);
  }

  removeSaved(id: number): { removed: true } {
    this.deps.savedQueries.remove(id);
    return { removed: true };
  }

  /** Forgets cached composed-search conditions (after the models folder changed). */
  clearCaches(): void {
    this.deps.composedSearch.clear();
  }
}
