import { thumbUrlOf } from '@contract';
import type { ClipProvider } from '../clip/clip-provider';
import type { ComposedSearchDeps } from '../compose/composed-search';
import type { ComposerRegistry } from '../compose/composer-registry';
import type { Concepts, ConceptsDeps } from '../concepts/concepts';
import type { Library } from '../library/library';
import type { ModelStore } from '../models/model-store';

/** How concepts reach the library, CLIP and uploads (wiring only; the composition root passes the rest). */
export function conceptsLibraryDeps(library: Library, clip: ClipProvider, models: () => ModelStore): Pick<ConceptsDeps, 'servingModel' | 'clip' | 'requireModel' | 'itemFile' | 'searchByVector' | 'embeddingOf'> {
  return {
    servingModel: () => library.servingModel(),
    clip: (model) => clip.get(model),
    requireModel: (model) => models().require(model),
    itemFile: (id) => {
      const item = library.item(id);
      return { path: item.path, thumb: thumbUrlOf(item) };
    },
    searchByVector: async (vector, model, encoder, limit) => (await library.search({ limit }, encoder, vector, model)).items,
    embeddingOf: (id, model) => library.embeddingOf(id, model),
  };
}

/** Composed search's view of the library, CLIP, concepts and composers. */
export function composedSearchDeps(deps: {
  library: Library;
  clip: ClipProvider;
  concepts: Pick<Concepts, 'has' | 'encodeQuery'>;
  composers: ComposerRegistry;
  uploadPath: (id: string) => string;
  defaultComposer: ComposedSearchDeps['defaultComposer'];
}): ComposedSearchDeps {
  const { library, clip, concepts } = deps;
  return {
    servingModel: () => library.servingModel(),
    requireClip: (model) => clip.require(model),
    storedEmbedding: (id, model) => library.embeddingOf(id, model),
    itemPath: (id) => library.item(id).path,
    itemsWithContent: (uploadId) => library.itemsWithHash(uploadId),
    uploadPath: deps.uploadPath,
    composers: deps.composers,
    defaultComposer: deps.defaultComposer,
    encodeText: (encoder, model, text, gairW) => (concepts.has(text) ? concepts.encodeQuery(encoder, model, text, gairW) : null),
    search: (vector, query, encoder, model, exclude) => library.search({ filters: query.filters, limit: query.limit, offset: query.offset }, encoder, vector, model, exclude),
  };
}
