import type { Engine } from '../engine/engine';
import type { Handlers } from './dispatcher';

/** Maps each contract method onto the engine. Thin on purpose: the logic lives in the engine. */
export function engineHandlers(engine: Engine): Handlers {
  return {
    'app.info': () => engine.info(),
    'jobs.list': () => engine.jobs.list(),
    'jobs.cancel': ({ id }) => engine.jobs.cancel(id),
    'diagnostics.diskCheck': ({ megabytes }) => engine.startDiskCheck(megabytes),
    'models.list': () => engine.listModels(),
    'models.download': ({ id }) => engine.startModelDownload(id),
    'settings.get': () => engine.settingsView(),
    'settings.update': (patch) => engine.updateSettings(patch),
  };
}
