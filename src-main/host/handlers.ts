import type { Engine } from '../engine/engine';
import type { Handlers } from './dispatcher';

/** Maps each contract method onto the engine. Thin on purpose: the logic lives in the engine. */
export function engineHandlers(engine: Engine): Handlers {
  return {
    'app.info': () => engine.info(),
    'jobs.list': () => engine.jobs.list(),
    'jobs.cancel': ({ id }) => engine.jobs.cancel(id),
    'jobs.pause': ({ id }) => engine.jobs.pause(id),
    'jobs.resume': ({ id }) => engine.jobs.resume(id),
    'diagnostics.diskCheck': ({ megabytes }) => engine.startDiskCheck(megabytes),
    'models.list': () => engine.listModels(),
    'models.download': ({ id }) => engine.startModelDownload(id),
    'settings.get': () => engine.settingsView(),
    'settings.update': (patch) => engine.updateSettings(patch),
    'library.roots.list': () => engine.library.listRoots(),
    'library.roots.add': ({ path }) => ({ root: engine.library.addRoot(path), job: engine.startLibraryRefresh() }),
    'library.roots.remove': ({ id }) => {
      engine.library.removeRoot(id);
      return { removed: true as const };
    },
    'library.refresh': () => engine.startLibraryRefresh(),
    'library.status': async () => engine.library.status((await engine.clip()) !== null),
    'library.search': (query) => engine.searchLibrary(query),
    'library.item': ({ id }) => engine.library.item(id),
    'library.tags.set': ({ id, tags }) => {
      engine.library.setTags(id, tags);
      return engine.library.item(id);
    },
    'library.duplicates': () => engine.library.duplicates(),
    'library.facets': () => engine.library.facets(),
    'search.compose': (query) => engine.composedSearch.run(query),
    'search.composers': () => engine.composers.list(),
    'search.saved.list': () => engine.savedQueries.list(),
    'search.saved.save': ({ name, query }) => engine.savedQueries.save(name, query),
    'search.saved.remove': ({ id }) => {
      engine.savedQueries.remove(id);
      return { removed: true as const };
    },
    'library.nearDuplicates': () =>
      engine.jobs.submit({ kind: 'library.near-duplicates', label: 'Finding near-duplicates', unit: 'photos', pausable: true }, (ctx) =>
        engine.library.nearDuplicates(ctx),
      ),
  };
}
