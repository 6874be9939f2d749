import type { Engine } from '../engine/engine';
import { neighbourView } from '../engine/grounding/grounding';
import { conceptPreviews, PREVIEW_COUNT } from '../engine/grounding/concept-previews';
import { chooseGairW } from '../engine/grounding/gair-generated';
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
    'models.download': ({ id, variant }) => engine.startModelDownload(id, variant),
    'models.recommend': () => engine.recommendModels(),
    'text.tokens': ({ text, model }) => engine.tokens.count(text, model ?? engine.clipModelId),
    'settings.get': () => engine.settingsView(),
    'settings.update': (patch) => engine.updateSettings(patch),
    'library.roots.list': () => engine.library.listRoots(),
    'library.roots.add': ({ path }) => engine.addLibraryRoot(path),
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
    'library.view': ({ id }) => engine.library.view(id),
    'library.items.update': (update) => engine.library.updateItems(update),
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
    'edit.capabilities': () => engine.editor.capabilities(),
    'edit.projects.list': () => engine.editor.store.list(),
    'edit.projects.create': ({ reference, name }) => engine.createEditProject(reference, name),
    'edit.projects.open': ({ id }) => engine.editor.store.view(id),
    'edit.projects.rename': ({ id, name }) => engine.editor.store.renameProject(id, name),
    'edit.projects.delete': async ({ id }) => {
      await engine.editor.store.deleteProject(id);
      return { removed: true as const };
    },
    'edit.turns.run': (request) => engine.editor.runTurn(request),
    'edit.cursor.set': ({ projectId, turnId }) => engine.editor.store.setCursor(projectId, turnId),
    'edit.undo': ({ projectId }) => engine.editor.store.undo(projectId),
    'edit.redo': ({ projectId }) => engine.editor.store.redo(projectId),
    'edit.turns.rename': ({ turnId, label }) => engine.editor.store.rename(turnId, label),
    'edit.turns.delete': ({ turnId }) => engine.editor.store.deleteBranch(turnId),
    'edit.export': (request) => engine.editor.exportTurn(request),
    'edit.saveToLibrary': (request) => engine.saveTurnToLibrary(request),
    'edit.recipe': ({ turnId }) => engine.editor.recipe(turnId),
    'grounding.neighbours': async ({ prompt, k }) => {
      const { neighbours, note } = await engine.grounding.retrieve(prompt, k);
      return { neighbours: neighbours.map(neighbourView), note };
    },
    'grounding.turn': (request) => engine.groundedTurns.run(request),
    'grounding.recipe': ({ turnId }) => engine.groundedTurns.recipe(turnId),
    'concepts.list': () => engine.concepts.list(),
    'concepts.teach': (request) => engine.concepts.startTeaching(request),
    'concepts.addPhotos': (request) => engine.concepts.startAddingPhotos(request),
    'concepts.rename': ({ id, name }) => engine.concepts.rename(id, name),
    'concepts.delete': ({ id }) => {
      engine.concepts.remove(id);
      return { removed: true as const };
    },
    'concepts.export': ({ id }) => engine.concepts.exportFile(id),
    'concepts.import': ({ file, name }) => engine.concepts.importFile(file, name),
    'concepts.previews': ({ name, seed }) =>
      engine.jobs.submit({ kind: 'concepts.previews', label: `Previews of *${name}`, unit: 'pictures', total: PREVIEW_COUNT }, (ctx) => conceptPreviews(engine, name, seed, ctx)),
    'concepts.gairAuto': async ({ text }) => {
      const model = engine.library.servingModel();
      const clip = await engine.clip(model);
      if (!clip) engine.models.require(model);
      return chooseGairW(engine, clip!, model, text);
    },
    'albums.list': () => engine.library.albums.list(),
    'albums.create': ({ name, itemIds }) => engine.library.albums.create(name, itemIds),
    'albums.rename': ({ id, name }) => engine.library.albums.rename(id, name),
    'albums.delete': ({ id }) => {
      engine.library.albums.delete(id);
      return { removed: true as const };
    },
    'albums.addItems': ({ id, itemIds }) => engine.library.albums.addItems(id, itemIds),
    'albums.removeItems': ({ id, itemIds }) => engine.library.albums.removeItems(id, itemIds),
    'albums.items': ({ id }) => engine.library.albums.itemIds(id),
    'library.nearDuplicates': () =>
      engine.jobs.submit({ kind: 'library.near-duplicates', label: 'Finding near-duplicates', unit: 'photos', pausable: true }, (ctx) =>
        engine.library.nearDuplicates(ctx),
      ),
  };
}
