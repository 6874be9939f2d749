import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { arch, cpus, platform, release } from 'node:os';
import { AppError, type AppInfo, type EventName, type EventPayload, type Job, type ModelStatus, type ProjectView, type SearchQuery, type SearchResult, type Settings, type SettingsView } from '@contract';
import manifestJson from '../../models/manifest.json';
import pkg from '../../package.json';
import { diskCheck } from './diagnostics/disk-check';
import { JobRunner } from './jobs/runner';
import { chooseExecutionProvider, probeOnnxRuntime, type OrtProbe, type ProviderChoice } from './models/execution-providers';
import { parseManifest } from './models/manifest';
import { ModelStore } from './models/model-store';
import { SessionPool } from './models/session-pool';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { defaultModelsDir } from './config/locations';
import { SettingsStore } from './config/settings-store';
import { ClipModel } from './clip/clip-model';
import { openDatabase, type Db } from './library/db';
import { Library } from './library/library';
import { FolderWatcher } from './library/watcher';
import { Uploads } from './uploads';
import { ComposedSearch } from './compose/composed-search';
import { ComposerRegistry } from './compose/composer-registry';
import { SavedQueries } from './compose/saved-queries';
import sharp from 'sharp';
import { Editor, projectName } from './edit/editor';
import { Concepts } from './concepts/concepts';
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
  /** fetch used for downloads (tests pass their own). */
  fetch?: typeof fetch;
  host: AppInfo['host'];
  /** Electron's version when running inside Electron. */
  electronVersion?: string | null;
  jobConcurrency?: number;
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
  private readonly clipModels = new Map<string, { dir: string; model: Promise<ClipModel> }>();

  /** The CLIP model the library embeds with: the user's choice, else the manifest's default CLIP. */
  get clipModelId(): string {
    return this.settings.get().clipModel ?? this.manifest.models.find((m) => m.task === 'clip' && m.default)!.id;
  }

  private readonly manifest = parseManifest(manifestJson, 'models/manifest.json');

  private constructor(
    readonly options: EngineOptions,
    private readonly ort: OrtProbe,
    private readonly settings: SettingsStore,
  ) {
    this.jobs = new JobRunner({ concurrency: options.jobConcurrency ?? 2 });
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
    this.db = openDatabase(join(options.dataDir, 'library', 'library.db'));
    this.uploads = new Uploads(join(options.dataDir, 'uploads'));
    this.library = new Library({
      db: this.db,
      thumbDir: this.thumbDir,
      vectorsDir: join(options.dataDir, 'library', 'vectors'),
      model: () => ({ id: this.clipModelId, load: () => this.clip() }),
      precision: () => this.settings.get().vectorPrecision,
    });
    this.composers = new ComposerRegistry(() => this.models, this.sessions);
    this.savedQueries = new SavedQueries(this.db);
    this.editor = new Editor({
      dir: join(options.dataDir, 'edit'),
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
        return { path: item.path, thumb: item.thumb ? `/thumbs/${item.thumb}` : null };
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
    return this.editor.createProject(path, name ?? ('itemId' in reference ? projectName(path) : 'Untitled'));
  }

  /** Where thumbnails are cached; the hosts serve /thumbs/… from here and nowhere else. */
  get thumbDir(): string {
    return join(this.options.dataDir, 'cache', 'thumbs');
  }

  /** A CLIP model (the library's by default), or null when it is not installed (the library then indexes without embeddings). */
  async clip(id = this.clipModelId): Promise<ClipModel | null> {
    const status = this.models.status(id);
    if (!status.installed) return null;
    let cached = this.clipModels.get(id);
    if (cached?.dir !== status.dir) {
      const model = ClipModel.load(status.dir, this.sessions);
      model.catch(() => this.clipModels.delete(id));
      cached = { dir: status.dir, model };
      this.clipModels.set(id, cached);
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
    const [encoded] = await clip!.encodeImages([this.uploads.path(query.uploadId)]);
    if (!encoded!.ok) throw AppError.fromWire(encoded!.error);
    return this.library.search(query, clip, encoded!.embedding, serving);
  }

  /** Rescans and indexes the library as a job; asking again while one runs returns it. */
  startLibraryRefresh(): Job {
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
    this.watcher ??= new FolderWatcher(() => {
      if (this.jobs.unfinished(REFRESH_KEY)) this.refreshAgain = true;
      else this.startLibraryRefresh();
    });
    const roots = this.library.listRoots();
    this.watcher.sync(roots.map((r) => r.path));
    if (roots.length) this.startLibraryRefresh();
  }

  static async start(options: EngineOptions): Promise<Engine> {
    await mkdir(options.dataDir, { recursive: true });
    return new Engine(options, await probeOnnxRuntime(), await SettingsStore.open(options.dataDir));
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
    return new ModelStore({ manifest: this.manifest, modelsDir, mirror: modelMirror, fetch: this.options.fetch });
  }

  settingsView(): SettingsView {
    return {
      settings: this.settings.get(),
      effective: this.effective(),
      lockedBy: this.options.lockedBy ?? { modelsDir: this.options.modelsDir ? 'the host' : null, modelMirror: this.options.modelMirror ? 'the host' : null },
    };
  }

  /** Saves settings and applies them at once: a new models folder releases the sessions of the old one. */
  async updateSettings(patch: Partial<Settings>): Promise<SettingsView> {
    const view = this.settingsView();
    for (const key of Object.keys(patch) as (keyof Settings)[]) {
      const lockedBy = (view.lockedBy as Record<string, string | null>)[key];
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
    const before = this.effective();
    await this.settings.update(patch);
    const after = this.effective();
    if (after.modelsDir !== before.modelsDir) {
      await this.sessions.release(before.modelsDir);
      this.composedSearch.clear();
    }
    this.modelStore = this.createModelStore();
    if (after.clipModel !== before.clipModel && this.library.listRoots().length) {
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

  get dataDir(): string {
    return this.options.dataDir;
  }

  info(): AppInfo {
    const choice = this.providerChoice;
    const problems: string[] = [];
    if (this.ort.loadError) problems.push(`ONNX Runtime failed to load: ${this.ort.loadError}`);
    if (this.settings.problem) problems.push(this.settings.problem);
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

  startDiskCheck(megabytes: number): Job {
    return this.jobs.submit(
      { kind: 'diagnostics.disk-check', label: `Data folder check (${megabytes} MB)`, unit: 'MB', total: megabytes * 2 },
      (ctx) => diskCheck(this.options.dataDir, megabytes, ctx),
    );
  }

  listModels(): ModelStatus[] {
    return this.models.list();
  }

  startModelDownload(id: string): Job {
    const model = this.models.entry(id);
    // Asking again while a download of the same model runs returns that job instead of starting a second one.
    return this.jobs.submitOnce(`models.download:${id}`, { kind: 'models.download', label: `Downloading ${model.title}`, unit: 'MB' }, (ctx) =>
      this.models.download(id, ctx),
    ).job;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.watcher?.close();
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
