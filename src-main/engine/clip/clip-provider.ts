import { AppError } from '@contract';
import type { ModelStore } from '../models/model-store';
import type { SessionPool } from '../models/session-pool';
import { AsyncCache } from '../shared/async-cache';
import { ClipModel } from './clip-model';

export interface ClipProviderDeps {
  models: () => ModelStore;
  pool: SessionPool;
  /** The library's model key (its CLIP model and variant): what get() and require() load when given no key. */
  libraryKey: () => string;
}

/** The one place CLIP models are loaded: once per model folder, shared by search, concepts, grounding, compose and eval. */
export class ClipProvider {
  private readonly loaded = new AsyncCache<string, ClipModel>();

  constructor(private readonly deps: ClipProviderDeps) {}

  /** The library's model key, e.g. `clip-vit-b32` or `clip-vit-b32@int8`. */
  get libraryKey(): string {
    return this.deps.libraryKey();
  }

  /** A CLIP model (the library's by default), or null when it is not installed (the library then indexes without embeddings). */
  async get(key = this.deps.libraryKey()): Promise<ClipModel | null> {
    const models = this.deps.models();
    // A library key names its variant (`clip-vit-b32@int8`); a bare id is the fp32 (or only) variant.
    const keyed = models.keyed(key);
    const status = models.status(keyed);
    if (!status.installed) return null;
    const files = { vision: models.fileFor(keyed, 'vision'), text: models.fileFor(keyed, 'text') };
    // Keyed by folder too: a moved models folder or another variant loads afresh.
    return this.loaded.get(`${keyed}\0${status.dir}`, () => ClipModel.load(status.dir, this.deps.pool, files));
  }

  /** A CLIP model, or the MODEL_MISSING error that says how to install it. */
  async require(key = this.deps.libraryKey()): Promise<ClipModel> {
    const clip = await this.get(key);
    if (clip) return clip;
    this.deps.models().require(key);
    // require() throws for a model that is not installed; reaching here means it was installed in between.
    const installed = await this.get(key);
    if (!installed) throw new AppError('MODEL_MISSING', `The CLIP model ${key} is not installed.`, { id: key });
    return installed;
  }

  /** Forgets loaded models (their sessions are released by the pool's owner). */
  clear(): void {
    this.loaded.clear();
  }
}
