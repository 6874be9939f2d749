import { join } from 'node:path';
import type { EditStep } from '@contract';
import manifestJson from '../../models/manifest.json';
import { ClipProvider } from './clip/clip-provider';
import { TokenCounter } from './clip/token-count';
import { ComposedSearch } from './compose/composed-search';
import { ComposerRegistry } from './compose/composer-registry';
import { SavedQueries } from './compose/saved-queries';
import { Concepts } from './concepts/concepts';
import { dataDirError, explainIoFailure, prepareDataDir } from './config/data-folder';
import { SettingsStore } from './config/settings-store';
import { Editor } from './edit/editor';
import { phaseDone } from './shared/phase-timings';
import { resourceDir } from './shared/resources';
import { groundingDeps } from './grounding/deps';
import { Grounding } from './grounding/grounding';
import { GroundedTurns } from './grounding/turns';
import { JobRunner } from './jobs/runner';
import { openDatabase } from './storage/db';
import { Library } from './library/library';
import { inferenceOnFirstUse } from './models/execution-providers';
import { loadManifest, parseManifest, type Manifest } from './models/manifest';
import { ModelStore } from './models/model-store';
import { SessionPool } from './models/session-pool';
import { AppService } from './services/app-service';
import { ConceptsService } from './services/concepts-service';
import { EditService } from './services/edit-service';
import { EffectiveSettings } from './services/effective-settings';
import type { EngineEnvironment, EngineOptions } from './services/engine-options';
import { composedSearchDeps, conceptsLibraryDeps } from './services/feature-deps';
import { EventBus } from './services/events';
import { GroundingService } from './services/grounding-service';
import { cleanUp } from './services/housekeeping';
import { LibraryRefresh } from './services/library-refresh';
import { LibraryService } from './services/library-service';
import { ModelStoreRef } from './services/model-store-ref';
import { ModelsService } from './services/models-service';
import { SearchService } from './services/search-service';
import type { Services } from './services/services';
import { SettingsService } from './services/settings-service';
import { TextService } from './services/text-service';
import { Uploads } from './storage/uploads';

export type { EngineEnvironment, EngineOptions } from './services/engine-options';
export type { Services } from './services/services';
export { phaseDone, phaseTimings, PHASE_TIMINGS_PREFIX } from './shared/phase-timings';

/** Reads the environment, opens the data folder and builds every service; the hosts, the CLI, eval and bench start here. */
export async function startEngine(options: EngineOptions): Promise<Services> {
  const env: EngineEnvironment = {
    forcedProvider: process.env.STUDIO_EXECUTION_PROVIDER,
    manifestFile: process.env.STUDIO_MODEL_MANIFEST,
    ...options.environment,
  };
  if (!options.readOnly) await prepareDataDir(options.dataDir);
  phaseDone('data folder check');
  const saved = await SettingsStore.open(options.dataDir);
  const manifest = options.manifest ?? (env.manifestFile ? await loadManifest(env.manifestFile) : parseManifest(manifestJson, 'models/manifest.json'));
  phaseDone('settings and model manifest');
  try {
    return wire(options, env, saved, manifest);
  } catch (error) {
    throw dataDirError(options.dataDir, error) ?? error;
  }
}

function wire(options: EngineOptions, env: EngineEnvironment, saved: SettingsStore, manifest: Manifest): Services {
  const { dataDir } = options;
  const readOnly = options.readOnly !== undefined;
  const thumbDir = join(dataDir, 'cache', 'thumbs');
  const events = new EventBus();
  const jobs = new JobRunner({ concurrency: options.jobConcurrency ?? 2, explain: (error) => explainIoFailure(dataDir, error) });
  jobs.onUpdate((job) => events.publish({ topic: 'job.progress', payload: job }));
  const inference = inferenceOnFirstUse(env.ort, env.forcedProvider);
  const provider = () => inference().choice.selected ?? 'cpu';
  const pool = new SessionPool({ providers: () => (inference().choice.selected ? [inference().choice.selected!] : []) });
  const effective = new EffectiveSettings(saved, manifest, options);
  const modelRef = new ModelStoreRef(() => {
    const { modelsDir, modelMirror } = effective.effective();
    const variantChoice = (id: string) => saved.get().modelVariants[id] ?? null;
    return new ModelStore({ manifest, modelsDir, mirror: modelMirror, fetch: options.fetch, allowInsecureMirror: options.allowInsecureMirror ?? false, provider, variantChoice });
  });
  const models = () => modelRef.current;
  const libraryKey = () => models().libraryKey(effective.clipModelId());
  const clip = new ClipProvider({ models, pool, libraryKey });
  const db = openDatabase(join(dataDir, 'library', 'library.db'), undefined, { readOnly });
  phaseDone('wiring, SQLite open + migrations check');
  const uploads = new Uploads(join(dataDir, 'uploads'));
  const uploadPath = (id: string) => uploads.path(id);
  // A variant other than fp32 embeds under its own key, so switching variant re-embeds like switching model.
  const precision = () => saved.get().vectorPrecision;
  const library = new Library({ db, thumbDir, vectorsDir: join(dataDir, 'library', 'vectors'), model: () => ({ id: libraryKey(), load: () => clip.get() }), precision });
  const refresh = new LibraryRefresh(library, jobs);
  const composers = new ComposerRegistry(models, pool);
  const savedQueries = new SavedQueries(db);
  const publishStep = (payload: EditStep) => events.publish({ topic: 'edit.step', payload });
  // Concepts generate with the editor, and the editor describes concepts through its ConceptText port: set once both exist.
  const conceptText = { describe: (text: string) => concepts.describe(text).text };
  const editor = new Editor({ dir: join(dataDir, 'edit'), readOnly, models, pool, jobs, provider, publishStep, conceptText, uploads });
  const attributeWordsFile = join(resourceDir('attributes') ?? join(process.cwd(), 'resources', 'attributes'), 'attribute-words.tsv');
  const concepts: Concepts = new Concepts({
    ...conceptsLibraryDeps(library, clip, models),
    db,
    jobs,
    uploadPath,
    thumbDir,
    attributeWordsFile,
    publishProgress: (payload) => events.publish({ topic: 'concepts.progress', payload }),
    generate: (prompt, count, seed, signal) => editor.generate(prompt, count, seed, signal),
  });
  const grounding = new Grounding(groundingDeps({ db, library, concepts, clip: (m) => clip.get(m), models, pool, provider, uploadPath }));
  const groundedTurns = new GroundedTurns(grounding, { store: editor.store, jobs, publishStep });
  const composedSearch = new ComposedSearch(composedSearchDeps({ library, clip, concepts, composers, uploadPath, defaultComposer: () => saved.get().composer }));
  const search = new SearchService({ library, clip, concepts, uploadPath, composedSearch, composers, savedQueries });
  const edit = new EditService({ editor, itemPath: (id) => library.item(id).path, uploadPath, libraryFolders: () => library.listRoots().map((r) => r.path), refreshLibrary: () => refresh.soon() });
  const clearModelCaches = () => (composedSearch.clear(), clip.clear());
  const settings = new SettingsService({ saved, effective, manifest, models: modelRef, pool, composers, clearModelCaches, library, refresh, jobs });
  const app = new AppService({ dataDir, host: options.host, electronVersion: options.electronVersion ?? null, readOnlyReason: options.readOnly?.reason ?? null, inference, pool, jobs, modelsDir: () => models().modelsDir, settingsProblem: () => saved.problem });
  const named = { hashes: () => [...savedQueries.referencedHashes(), ...editor.store.referencedHashes(), ...concepts.photoHashes()] };
  const housekeeping = readOnly || options.housekeeping === false ? Promise.resolve() : cleanUp(dataDir, uploads, named);
  phaseDone('services wired');
  return {
    app,
    jobs,
    events,
    uploads,
    clip,
    composers,
    albums: library.albums,
    library: new LibraryService({ library, refresh, jobs, clip, confinement: options.confinement }),
    search,
    edit,
    concepts: new ConceptsService({ concepts, grounding, jobs, clip, library, models }),
    grounding: new GroundingService(grounding, groundedTurns),
    models: new ModelsService({ models: modelRef, jobs, pool, provider, clipModelId: () => effective.clipModelId(), refresh }),
    settings,
    text: new TextService(new TokenCounter(models), () => effective.clipModelId()),
    files: { thumbDir, turnsDir: join(dataDir, 'edit', 'projects') },
    async close(): Promise<void> {
      refresh.close();
      await housekeeping;
      await jobs.shutdown();
      await library.close();
      db.close();
      editor.close();
      await pool.release();
      events.clear();
    },
  };
}
