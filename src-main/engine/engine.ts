import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { AppError, contentHashesIn, thumbUrlOf, type AppInfo, type EventName, type EventPayload, type JobOf, type ModelStatus, type ProjectView, type Root, type SearchQuery, type SearchResult, type Settings, type SettingsView, type Precision, type ModelRecommendation, SaveToLibraryRequestSchema, type SaveToLibraryRequest, type SaveToLibraryResult } from '@contract';
import manifestJson from '../../models/manifest.json';
import pkg from '../../package.json';
import { diskCheck } from './diagnostics/disk-check';
import { JobRunner } from './jobs/runner';
import { chooseExecutionProvider, probeOnnxRuntime, type OrtProbe, type ProviderChoice } from './models/execution-providers';
import { loadManifest, parseManifest, type Manifest } from './models/manifest';
import { ModelStore } from './models/model-store';
import { freeDiskFor, recommend } from './models/recommend';
import { SessionPool } from './models/session-pool';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { defaultModelsDir } from './config/locations';
import { SettingsStore } from './config/settings-store';
import { dataDirError, explainIoFailure, prepareDataDir } from './config/data-folder';
import { checkRootAllowed, remoteSettingsLock, type Confinement } from './config/confinement';
import { sweepTempFiles } from './storage/temp-sweep';
import { readRegularFile } from './storage/regular-file';
import { ClipModel } from './clip/clip-model';
import { TokenCounter } from './clip/token-count';
import { openDatabase, type Db } from './library/db';
import { Library } from './library/library';
import { FolderWatcher } from './library/watcher';
import { Uploads } from './uploads';
import { ComposedSearch } from './compose/composed-search';
import { ComposerRegistry } from './compose/composer-registry';
import { SavedQueries } from './compose/saved-queries';
import sharp from 'sharp';
import { Editor, projectName } from './edit/editor';
import { libraryTarget, saveIntoLibrary } from './edit/save-to-library';
import { Concepts } from './concepts/concepts';
import { groundingDeps } from './grounding/deps';
import { Grounding } from './grounding/grounding';
import { GroundedTurns } from './grounding/turns';
import { resourceDir } from './edit/resources';

/** The job key under which the library refresh runs (at most one at a time). */
const REFRESH_KEY = 'library.refresh';

export interface EngineOptions {
  dataDir: string;
  /** Models folder fixed for this run (flag/env); otherwise the saved setting, otherwise <dataDir>/models. */
  modelsDir?: string | undefined;
  /** Download mirror fixed for this run (flag/env); otherwise the saved setting, otherwise the manifest's. */
  modelMirror?: string | undefined;
  /** Which flag or variable fixed the two above, for Settings to explain. */
  lockedBy?: { modelsDir: string | null; modelMirror: string | null };
  /** Accept a plain-http model mirror on another machine (--allow-insecure-mirror). */
  allowInsecureMirror?: boolean;
  /** The model manifest (tests pass one whose hashes are the fixtures'); default: models/manifest.json. */
  manifest?: Manifest;
  /** fetch used for downloads (tests pass their own). */
  fetch?: typeof fetch;
  host: AppInfo['host'];
  /** Electron's version when running inside Electron. */
  electronVersion?: string | null;
  jobConcurrency?: number;
  /**
   * Open a data folder that cannot be written, to read only (the CLI's status, info and search): nothing is saved, the
   * databases are read from private copies, and info() says so.
   */
  readOnly?: { reason: string };
  /** Server mode's limits (see Confinement); none for the desktop window unless asked for. */
  confinement?: Confinement;
}

export type EngineEvent = { [E in EventName]: { topic: E; payload: EventPayload<E> } }[EventName];
type EventListener = (event: EngineEvent) => void;

/** The product: everything the studio does, with no knowledge of Electron or of any transport. */
export class Engine {
  readonly jobs: JobRunner;
  private modelStore: ModelStore;
  /** ONNX Runtime sessions, created lazily with the chosen execution provider. */
  readonly sessions: SessionPool;
  private readonly listeners = new Set<EventListener>();
  private readonly providerChoice: ProviderChoice;
  readonly library: Library;
  readonly uploads: Uploads;
  private readonly db: Db;
  private watcher: FolderWatcher | null = null;
  /** A change seen while a refresh runs: refresh once more when it ends. */
  private refreshAgain = false;
  readonly composers: ComposerRegistry;
  readonly composedSearch: ComposedSearch;
  readonly savedQueries: SavedQueries;
  readonly editor: Editor;
  readonly concepts: Concepts;
  /** Grounded generation: create and edit from neighbours (Re-Imagen's interleaved guidance). */
  readonly grounding: Grounding;
  /** Grounded turns in edit projects. */
  readonly groundedTurns: GroundedTurns;
  private readonly clipModels = new Map<string, { dir: string; model: Promise<ClipModel> }>();
  /** Token counts for the instruction, search and concept fields (and `npm run cli -- tokens`). */
  readonly tokens = new TokenCounter(() => this.models);

  /** The CLIP model the library embeds with: the user's choice, else the manifest's default CLIP. */
  get clipModelId(): string {
    return this.settings.get().clipModel ?? this.manifest.models.find((m) => m.task === 'clip' && m.default)!.id;
  }

  private readonly manifest: Manifest;

  private constructor(
    readonly options: EngineOptions,
    private readonly ort: OrtProbe,
    private readonly settings: SettingsStore,
  ) {
    this.manifest = options.manifest ?? parseManifest(manifestJson, 'models/manifest.json');
    this.jobs = new JobRunner({ concurrency: options.jobConcurrency ?? 2, explain: (error) => explainIoFailure(options.dataDir, error) });
    this.jobs.onUpdate((job) => this.publish({ topic: 'job.progress', payload: job }));
    this.modelStore = this.createModelStore();
    this.providerChoice = chooseExecutionProvider({
      platform: platform(),
      arch: arch(),
      ortBackends: this.ort.backends,
      exists: existsSync,
      ortBinDir: this.ort.binDir,
      forced: process.env.STUDIO_EXECUTION_PROVIDER,
    });
    this.sessions = new SessionPool({ providers: this.providerChoice.selected ? [this.providerChoice.selected] : [] });
    const readOnly = options.readOnly !== undefined;
    this.db = openDatabase(join(options.dataDir, 'library', 'library.db'), undefined, { readOnly });
    this.uploads = new Uploads(join(options.dataDir, 'uploads'));
    this.library = new Library({
      db: this.db,
      thumbDir: this.thumbDir,
      vectorsDir: join(options.dataDir, 'library', 'vectors'),
      // A variant other than fp32 embeds under its own key, so switching variant re-embeds like switching model.
      model: () => ({ id: this.models.libraryKey(this.clipModelId), load: () => this.clip() }),
      precision: () => this.settings.get().vectorPrecision,
    });
    this.composers = new ComposerRegistry(() => this.models, this.sessions);
    this.savedQueries = new SavedQueries(this.db);
    this.editor = new Editor({
      dir: join(options.dataDir, 'edit'),
      readOnly,
      models: () => this.models,
      pool: this.sessions,
      jobs: this.jobs,
      provider: () => this.providerChoice.selected ?? 'cpu',
      publishStep: (payload) => this.publish({ topic: 'edit.step', payload }),
    });
    this.editor.upload = async (id) => this.uploads.path(id);
    this.concepts = new Concepts({
      db: this.db,
      jobs: this.jobs,
      servingModel: () => this.library.servingModel(),
      clip: (model) => this.clip(model),
      requireModel: (model) => this.models.require(model),
      itemFile: (id) => {
        const item = this.library.item(id);
        return { path: item.path, thumb: thumbUrlOf(item) };
      },
      uploadPath: (id) => this.uploads.path(id),
      searchByVector: async (vector, model, clip, limit) => (await this.library.search({ limit }, clip, vector, model)).items,
      embeddingOf: (id, model) => this.library.embeddingOf(id, model),
      thumbDir: this.thumbDir,
      attributeWordsFile: join(resourceDir('attributes') ?? join(process.cwd(), 'resources', 'attributes'), 'attribute-words.tsv'),
      publishProgress: (payload) => this.publish({ topic: 'concepts.progress', payload }),
      generate: (prompt, count, seed, signal) => this.editor.generate(prompt, count, seed, signal),
    });
    // The Stable Diffusion text encoder has no concept tokens: an edit names a concept by its attribute words.
    this.editor.describeConcepts = (text) => this.concepts.describe(text).text;
    this.grounding = new Grounding(
      groundingDeps({ db: this.db, library: this.library, concepts: this.concepts, clip: (m) => this.clip(m), models: () => this.models, pool: this.sessions, provider: () => this.providerChoice.selected ?? 'cpu', uploadPath: (id) => this.uploads.path(id) }),
    );
    this.groundedTurns = new GroundedTurns(this.grounding, {
      store: this.editor.store,
      jobs: this.jobs,
      provider: () => this.providerChoice.selected ?? 'cpu',
      publishStep: (payload) => this.publish({ topic: 'edit.step', payload }),
    });
    this.composedSearch = new ComposedSearch({
      servingModel: () => this.library.servingModel(),
      clip: (model) => this.clip(model),
      requireModel: (model) => this.models.require(model),
      storedEmbedding: (id, model) => this.library.embeddingOf(id, model),
      itemPath: (id) => this.library.item(id).path,
      itemsWithContent: (uploadId) => this.library.itemsWithHash(uploadId),
      uploadPath: (id) => this.uploads.path(id),
      composers: this.composers,
      defaultComposer: () => this.settings.get().composer,
      encodeText: (clip, model, text, gairW) => (this.concepts.has(text) ? this.concepts.encodeQuery(clip, model, text, gairW) : null),
      search: (vector, query, clip, model, exclude) =>
        this.library.search({ filters: query.filters, limit: query.limit, offset: query.offset }, clip, vector, model, exclude),
    });
  }

  /** Edit projects' pictures; the hosts serve /turns/<project>/… from here. */
  get turnsDir(): string {
    return join(this.options.dataDir, 'edit', 'projects');
  }

  /** Starts an edit project from a library photo or a dropped picture. */
  async createEditProject(reference: { itemId: number } | { uploadId: string } | { blank: { width: number; height: number } }, name?: string): Promise<ProjectView> {
    if ('blank' in reference) {
      const white = await sharp({ create: { ...reference.blank, channels: 3, background: '#ffffff' } }).png().toBuffer();
      return this.editor.createProject(white, name ?? 'Canvas', 'canvas');
    }
    const path = 'itemId' in reference ? this.library.item(reference.itemId).path : this.uploads.path(reference.uploadId);
    // Read as a regular file only: a library photo swapped for a FIFO or a device cannot hang the call.
    const bytes = await readRegularFile(path, { timeoutMs: 60_000 });
    return this.editor.createProject(bytes, name ?? ('itemId' in reference ? projectName(path) : 'Untitled'));
  }

  /** Saves a turn at full size into a library folder (never over a file) and indexes it. */
  async saveTurnToLibrary(request: SaveToLibraryRequest): Promise<SaveToLibraryResult> {
    const { turnId, folder, format, quality } = SaveToLibraryRequestSchema.parse(request);
    const roots = this.library.listRoots().map((r) => r.path);
    libraryTarget(folder, roots); // refused before the render, which takes a while
    const { bytes, fileName, width, height } = await this.editor.renderTurn({ turnId, format, quality, maxSide: null });
    const path = await saveIntoLibrary(folder, roots, fileName, bytes);
    this.refreshSoon();
    return { path, width, height, bytes: bytes.length };
  }

  /** Where thumbnails are cached; the hosts serve /thumbs/… from here and nowhere else. */
  get thumbDir(): string {
    return join(this.options.dataDir, 'cache', 'thumbs');
  }

  /** A CLIP model (the library's by default), or null when it is not installed (the library then indexes without embeddings). */
  async clip(key = this.models.libraryKey(this.clipModelId)): Promise<ClipModel | null> {
    // A library key names its variant (`clip-vit-b32@int8`); a bare id is the fp32 (or only) variant.
    const keyed = this.models.keyed(key);
    const status = this.models.status(keyed);
    if (!status.installed) return null;
    const files = { vision: this.models.fileFor(keyed, 'vision'), text: this.models.fileFor(keyed, 'text') };
    let cached = this.clipModels.get(keyed);
    if (cached?.dir !== status.dir) {
      const model = ClipModel.load(status.dir, this.sessions, files);
      model.catch(() => this.clipModels.delete(keyed));
      cached = { dir: status.dir, model };
      this.clipModels.set(keyed, cached);
    }
    return cached.model;
  }

  /**
   * Checks the library's vector index against the database in the background (hosts call this at startup), so a stale or
   * damaged index is repaired before anyone searches; the outcome shows in library.status.
   */
  verifyLibraryInBackground(log: (line: string) => void): void {
    this.library.verify().then(
      (report) => log(`Vector index: ${report}`),
      (error: Error) => log(`Vector index check failed: ${error.message}`),
    );
  }

  /** Searches the library; a dropped image (upload) is embedded with the library's CLIP model first. */
  async searchLibrary(query: SearchQuery): Promise<SearchResult> {
    // After a model switch, the previous model answers until the new one has embedded everything.
    const serving = this.library.servingModel();
    const clip = await this.clip(serving);
    if (query.text && this.concepts.has(query.text) && query.uploadId === undefined && query.likeId === undefined) {
      if (!clip) this.models.require(serving);
      const vector = await this.concepts.encodeQuery(clip!, serving, query.text, query.gairW);
      return this.library.search({ filters: query.filters, limit: query.limit, offset: query.offset }, clip, vector, serving);
    }
    if (query.uploadId === undefined) return this.library.search(query, clip, undefined, serving);
    if (!clip) this.models.require(serving);
    const [encoded] = await clip!.encodeImages([await readRegularFile(this.uploads.path(query.uploadId), { timeoutMs: 60_000 })]);
    if (!encoded!.ok) throw AppError.fromWire(encoded!.error);
    return this.library.search(query, clip, encoded!.embedding, serving);
  }

  /** Rescans and indexes the library as a job; asking again while one runs returns it. */
  startLibraryRefresh(): JobOf<'library.refresh'> {
    const { job, created } = this.jobs.submitOnce(
      REFRESH_KEY,
      { kind: 'library.refresh', label: 'Indexing the library', unit: 'images', pausable: true },
      (ctx) => this.library.refresh(ctx),
    );
    if (!created) return job;
    void this.jobs.settled(job.id).then(() => {
      this.watcher?.sync(this.library.listRoots().map((r) => r.path));
      if (this.refreshAgain) {
        this.refreshAgain = false;
        this.startLibraryRefresh();
      }
    });
    return job;
  }

  /**
   * For long-running hosts: reconcile the library with the disk now (changes made while the studio was closed), then
   * keep watching its folders and rescan shortly after anything changes.
   */
  keepLibraryInSync(): void {
    this.watcher ??= new FolderWatcher(() => this.refreshSoon());
    const roots = this.library.listRoots();
    this.watcher.sync(roots.map((r) => r.path));
    if (roots.length) this.startLibraryRefresh();
  }

  static async start(options: EngineOptions): Promise<Engine> {
    if (!options.readOnly) await prepareDataDir(options.dataDir);
    const settings = await SettingsStore.open(options.dataDir);
    // STUDIO_MODEL_MANIFEST: another manifest (a private mirror's, or the tests' whose hashes are the fixtures').
    const manifestFile = process.env.STUDIO_MODEL_MANIFEST;
    const manifest = options.manifest ?? (manifestFile ? await loadManifest(manifestFile) : undefined);
    let engine: Engine;
    try {
      engine = new Engine({ ...options, ...(manifest ? { manifest } : {}) }, await probeOnnxRuntime(), settings);
    } catch (error) {
      throw dataDirError(options.dataDir, error) ?? error;
    }
    if (!options.readOnly) engine.housekeeping = engine.cleanUp();
    return engine;
  }

  /** Startup cleaning, in the background: temp files of writers that died mid-write, and uploads nobody used for a month (unless still named). */
  private housekeeping: Promise<void> = Promise.resolve();

  private async cleanUp(): Promise<void> {
    try {
      await sweepTempFiles(this.options.dataDir);
      // Dropped files that saved queries, grounded turns or concepts (for retraining) still name are kept.
      const saved = (this.db.prepare('SELECT query FROM saved_queries').pluck().all() as string[]).join(' ');
      await this.uploads.sweep(new Set([...contentHashesIn(saved), ...this.editor.store.referencedHashes(), ...this.concepts.photoHashes()]));
    } catch {
      // Cleaning is best effort; the next start tries again.
    }
  }

  /** An exception during a call that is about the disk (full, read-only, no permission), as an AppError naming the folder. */
  explainFailure(error: unknown): AppError | null {
    return explainIoFailure(this.options.dataDir, error);
  }

  /** Adds a library folder and indexes it: a refresh already running picks it up, or runs once more when done. */
  addLibraryRoot(path: string): { root: Root; job: JobOf<'library.refresh'> } {
    if (this.options.confinement) checkRootAllowed(path, this.options.confinement);
    const root = this.library.addRoot(path);
    return { root, job: this.refreshSoon() };
  }

  /**
   * Indexes what changed on disk: starts a refresh, or, when one is running (it may have listed the folders already),
   * has it run once more when done. Returns the refresh job.
   */
  private refreshSoon(): JobOf<'library.refresh'> {
    if (this.jobs.unfinished(REFRESH_KEY)) this.refreshAgain = true;
    return this.startLibraryRefresh();
  }

  /** Where models are found and downloaded to, as currently in effect. */
  get models(): ModelStore {
    return this.modelStore;
  }

  private effective(): SettingsView['effective'] {
    const saved = this.settings.get();
    return {
      modelsDir: this.options.modelsDir ?? saved.modelsDir ?? defaultModelsDir(this.options.dataDir),
      modelMirror: this.options.modelMirror ?? saved.modelMirror ?? this.manifest.defaultMirror,
      vectorPrecision: saved.vectorPrecision,
      clipModel: this.clipModelId,
      composer: saved.composer,
    };
  }

  private createModelStore(): ModelStore {
    const { modelsDir, modelMirror } = this.effective();
    return new ModelStore({
      manifest: this.manifest,
      modelsDir,
      mirror: modelMirror,
      fetch: this.options.fetch,
      allowInsecureMirror: this.options.allowInsecureMirror ?? false,
      provider: () => this.providerChoice?.selected ?? 'cpu',
      variantChoice: (id) => this.settings.get().modelVariants[id] ?? null,
    });
  }

  settingsView(): SettingsView {
    return {
      settings: this.settings.get(),
      effective: this.effective(),
      lockedBy: this.lockedBy(),
    };
  }

  /** Which flag, variable or mode fixes the models folder and the mirror for this run. */
  private lockedBy(): SettingsView['lockedBy'] {
    const fixed = this.options.lockedBy ?? { modelsDir: this.options.modelsDir ? 'the host' : null, modelMirror: this.options.modelMirror ? 'the host' : null };
    const remote = remoteSettingsLock(this.options.confinement);
    return { modelsDir: fixed.modelsDir ?? remote, modelMirror: fixed.modelMirror ?? remote };
  }

  /** Saves settings and applies them at once: a new models folder releases the sessions of the old one. */
  async updateSettings(patch: Partial<Settings>): Promise<SettingsView> {
    const view = this.settingsView();
    for (const key of Object.keys(patch) as (keyof Settings)[]) {
      const lockedBy = (view.lockedBy as Record<string, string | null>)[key];
      if (lockedBy && lockedBy === remoteSettingsLock(this.options.confinement)) {
        throw new AppError('CONFLICT', `Changing ${key} over the network is refused in server mode: restart serve with --allow-remote-settings, or set it with --${key === 'modelsDir' ? 'models-dir' : 'model-mirror'}.`);
      }
      if (lockedBy) throw new AppError('CONFLICT', `${key} is fixed by ${lockedBy} for this run; restart without it to change it here.`);
    }
    if (patch.clipModel) {
      const entry = this.models.entry(patch.clipModel);
      if (entry.task !== 'clip') throw new AppError('INVALID_PARAMS', `${entry.title} is not a CLIP model.`);
      this.models.require(patch.clipModel);
    }
    // A learned composer must be installed (and fit) before it becomes the default.
    if (patch.composer) await this.composers.get(patch.composer);
    if (patch.modelsDir) {
      if (!isAbsolute(patch.modelsDir)) throw new AppError('INVALID_PARAMS', `The models folder must be an absolute path, not “${patch.modelsDir}”.`);
      try {
        await mkdir(patch.modelsDir, { recursive: true });
        await access(patch.modelsDir, constants.W_OK);
      } catch (error) {
        throw new AppError('IO_ERROR', `Cannot use ${patch.modelsDir} as the models folder: ${(error as Error).message}`);
      }
    }
    if (patch.modelVariants) {
      for (const [id, variant] of Object.entries(patch.modelVariants)) {
        const status = this.models.status(id);
        if (!status.variants.some((v) => v.name === variant) && !this.manifest.models.some((m) => m.variantOf === id && m.precision === variant)) {
          throw new AppError('INVALID_PARAMS', `${status.title} comes in ${status.variants.map((v) => v.name).join(', ')}, not ${variant}.`);
        }
      }
    }
    const before = this.effective();
    const keyBefore = this.models.libraryKey(before.clipModel);
    await this.settings.update(patch);
    const after = this.effective();
    if (after.modelsDir !== before.modelsDir) {
      await this.sessions.release(before.modelsDir);
      this.composedSearch.clear();
    }
    this.modelStore = this.createModelStore();
    if ((after.clipModel !== before.clipModel || this.models.libraryKey(after.clipModel) !== keyBefore) && this.library.listRoots().length) {
      // Embed everything with the new model in the background; searches use the old vectors until it is done.
      this.startLibraryRefresh();
    }
    if (after.vectorPrecision !== before.vectorPrecision) {
      // The old index keeps answering searches until the new one is built.
      this.jobs.submit({ kind: 'library.vectors', label: `Rebuilding the search index (${after.vectorPrecision})`, unit: 'steps', total: 1 }, async (ctx) => {
        const report = await this.library.verify();
        ctx.progress(1);
        return { report };
      });
    }
    return this.settingsView();
  }

  /** True when the data folder is opened to read only (see EngineOptions.readOnly). */
  get readOnly(): boolean {
    return this.options.readOnly !== undefined;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  info(): AppInfo {
    const choice = this.providerChoice;
    const problems: string[] = [];
    if (this.ort.loadError) problems.push(`ONNX Runtime failed to load: ${this.ort.loadError}`);
    if (this.settings.problem) problems.push(this.settings.problem);
    if (this.options.readOnly) problems.push(`Read-only: the data folder ${this.options.dataDir} cannot be written (${this.options.readOnly.reason}); nothing is saved.`);
    return {
      name: pkg.productName,
      version: pkg.version,
      host: this.options.host,
      platform: { os: platform(), arch: arch(), release: release(), cpus: cpus().length },
      runtime: { node: process.versions.node, electron: this.options.electronVersion ?? null },
      dataDir: this.options.dataDir,
      modelsDir: this.models.modelsDir,
      engine: { status: problems.length ? 'degraded' : 'ready', problems },
      inference: {
        onnxRuntimeVersion: this.ort.version,
        providers: choice.providers,
        selected: choice.selected,
        reason: choice.reason,
        fallbacks: [...this.sessions.fallbacks],
        openSessions: this.sessions.size,
      },
      memory: { rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed },
    };
  }

  startDiskCheck(megabytes: number): JobOf<'diagnostics.disk-check'> {
    return this.jobs.submit(
      { kind: 'diagnostics.disk-check', label: `Data folder check (${megabytes} MB)`, unit: 'MB', total: megabytes * 2 },
      (ctx) => diskCheck(this.options.dataDir, megabytes, ctx),
    );
  }

  listModels(): ModelStatus[] {
    return this.models.list();
  }

  /** What the first-run guide proposes for this machine. */
  async recommendModels(): Promise<ModelRecommendation> {
    return recommend(this.models, {
      provider: this.providerChoice.selected ?? 'cpu',
      cpus: cpus().length,
      ramBytes: totalmem(),
      freeDiskBytes: await freeDiskFor(this.models.modelsDir),
    });
  }

  startModelDownload(id: string, variant?: Precision): JobOf<'models.download'> {
    const model = this.models.entry(id);
    // Asking again while a download of the same model runs returns that job instead of starting a second one.
    const { job, created } = this.jobs.submitOnce(`models.download:${id}`, { kind: 'models.download', label: `Downloading ${model.title}`, unit: 'MB' }, (ctx) =>
      this.models.download(id, ctx, variant),
    );
    if (created && model.task === 'clip') {
      // Once the library's CLIP model is on disk, index with it at once instead of waiting for a Rescan.
      void this.jobs.settled(job.id).then((done) => {
        if (done.state === 'done' && model.id === this.clipModelId && this.library.listRoots().length) this.startLibraryRefresh();
      });
    }
    return job;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.watcher?.close();
    await this.housekeeping;
    await this.jobs.shutdown();
    await this.library.close();
    this.db.close();
    this.editor.close();
    await this.sessions.release();
    this.listeners.clear();
  }

  private publish(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
