import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  AppError,
  ConceptFileSchema,
  ConceptNameSchema,
  TeachRequestSchema,
  AddPhotosRequestSchema,
  type AddPhotosRequest,
  type Concept,
  type ConceptFile,
  type JobOf,
  type LibraryItem,
  type TeachProgress,
  type TeachRequest,
} from '@contract';
import type { ClipModel } from '../clip/clip-model';
import { AsyncCache } from '../shared/async-cache';
import { LruCache } from '../shared/lru-cache';
import { toVector, vectorBytes } from '../shared/vector';
import type { JobRunner } from '../jobs/runner';
import type { Db } from '../storage/db';
import { ConceptsRepository, type StoredConcept } from '../storage/library/concepts-repository';
import { buildAttributeSpace, readAttributeWords, type AttributeSpace } from './attribute-space';
import { chooseConceptGair, encodeConceptQuery } from './concept-query';
import { mentions, MENTION } from './concept-text';
import { gairQuery } from './gair';
import { DEFAULT_DIMENSIONS, startTraining, type TrainingPlan } from './teaching';
import { rankAttributeWords } from './word-ranking';

export { DEFAULT_DIMENSIONS } from './teaching';

export interface ConceptsDeps {
  db: Db;
  /** The concepts table (default: one over `db`). */
  repository?: ConceptsRepository;
  jobs: JobRunner;
  /** The model search uses now, and its encoder. */
  servingModel(): string;
  clip(model: string): Promise<ClipModel | null>;
  requireModel(model: string): never | string;
  /** Files of library items / uploads. */
  itemFile(id: number): { path: string; thumb: string | null };
  uploadPath(id: string): string;
  /** Ranks the library by a vector (library photos only). */
  searchByVector(vector: Float32Array, model: string, clip: ClipModel, limit: number): Promise<LibraryItem[]>;
  embeddingOf(itemId: number, model: string): Float32Array | null;
  thumbDir: string;
  attributeWordsFile: string;
  publishProgress(progress: TeachProgress): void;
  /** Generates pictures from a text with the text-to-image model, or says why it cannot (not installed). */
  generate?(prompt: string, count: number, seed: number, signal: AbortSignal): Promise<Buffer[]>;
}

/** Retraining keeps the stored photos and adds new ones, up to this many in all (teaching anew takes 3–5). */
export const MAX_RETRAIN_PHOTOS = 8;

/** Personal concepts: teaching (a job), storage, export/import, and "*name" in text queries (with GAIR). */
export class Concepts {
  private readonly spaces = new AsyncCache<string, AttributeSpace>();
  private readonly queries = new LruCache<{ token: Float32Array; context: Float32Array[] | null }>(128);
  private readonly repository: ConceptsRepository;
  /** Bumped on every change, so cached query encodings of renamed or deleted concepts are not reused. */
  private version = 0;

  constructor(private readonly deps: ConceptsDeps) {
    this.repository = deps.repository ?? new ConceptsRepository(deps.db);
  }

  private stored(id: number): StoredConcept {
    const concept = this.repository.byId(id);
    if (!concept) throw new AppError('NOT_FOUND', `No concept ${id}.`);
    return concept;
  }

  private toConcept(stored: StoredConcept): Concept {
    return {
      id: stored.id,
      name: stored.name,
      parent: stored.parent,
      model: stored.model,
      attributes: stored.attributes,
      photos: stored.photos.flatMap((p) => (p.thumb ? [p.thumb] : [])),
      stats: stored.stats,
      tokens: { clip: true, stableDiffusion: false },
      createdAt: stored.createdAt,
    };
  }

  list(): Concept[] {
    return this.repository.list().map((c) => this.toConcept(c));
  }

  /**
   * A concept's own subspace: the k principal directions of the attribute words (full vocabulary) ranked by similarity
   * to its photos — the paper's "attributes most related to the concept" — instead of the fixed list's.
   */
  async rankedSpace(clip: ClipModel, k: number, parent: string, photos: Float32Array[]): Promise<AttributeSpace> {
    const vocabulary = await readAttributeWords(join(dirname(this.deps.attributeWordsFile), 'attribute-vocabulary.tsv'));
    const words = await rankAttributeWords(clip, vocabulary, parent, photos);
    const encoder = await clip.tokenEmbeddingEncoder();
    return buildAttributeSpace(encoder.table, encoder.dim, clip.tokenizer, words, k);
  }

  /** The attribute subspace of a CLIP model's text encoder (built once per model). */
  space(clip: ClipModel, k = DEFAULT_DIMENSIONS): Promise<AttributeSpace> {
    return this.spaces.get(`${clip.textFile}|${k}`, async () => {
      const encoder = await clip.tokenEmbeddingEncoder();
      return buildAttributeSpace(encoder.table, encoder.dim, clip.tokenizer, await readAttributeWords(this.deps.attributeWordsFile), k);
    });
  }

  /** Checks a teaching request and starts it as a job; nothing is stored unless it finishes. */
  async startTeaching(request: TeachRequest): Promise<JobOf<'concepts.teach'>> {
    const req = TeachRequestSchema.parse(request);
    if (req.photos.length < 3 || req.photos.length > 5) {
      throw new AppError('INVALID_PARAMS', `Teach a concept with 3 to 5 photos of it (${req.photos.length} given): fewer cannot tell it from its kind, more adds little.`);
    }
    if (this.repository.nameTaken(req.name)) {
      throw new AppError('CONFLICT', `A concept named *${req.name} exists already; pick another name or delete that one.`);
    }
    const photos = req.photos.map((p) => this.photoFile(p));
    return this.train({ label: `Teaching *${req.name} (${req.parent})`, parent: req.parent, photos, seed: req.seed, generateNegatives: req.generateNegatives }, (trained) =>
      this.repository.insert(req.name, req.parent, trained),
    );
  }

  /**
   * Retrains a concept with its stored photos plus new ones (up to MAX_RETRAIN_PHOTOS in all), as a job. The stored token
   * is replaced only when the new training finishes: a cancelled or failed retraining keeps the concept as it was.
   */
  async startAddingPhotos(request: AddPhotosRequest): Promise<JobOf<'concepts.teach'>> {
    const req = AddPhotosRequestSchema.parse(request);
    const concept = this.stored(req.id);
    const stored = this.photoFiles(concept.name) ?? [];
    if (stored.length === 0) throw new AppError('UNAVAILABLE', `*${concept.name} has no stored photos (imported?); teach it anew from photos instead.`);
    const total = stored.length + req.photos.length;
    if (total > MAX_RETRAIN_PHOTOS) {
      throw new AppError('INVALID_PARAMS', `*${concept.name} has ${stored.length} photos; add at most ${MAX_RETRAIN_PHOTOS - stored.length} more (${MAX_RETRAIN_PHOTOS} in all).`);
    }
    const gone = stored.find((p) => !existsSync(p.path));
    if (gone) throw new AppError('NOT_FOUND', `A photo *${concept.name} was taught with is gone (${gone.path}); teach it anew from photos instead.`);
    const photos = [...stored.map((p) => ({ path: p.path, thumb: p.thumb })), ...req.photos.map((p) => this.photoFile(p))];
    const label = `Retraining *${concept.name} with ${req.photos.length} more photo${req.photos.length === 1 ? '' : 's'}`;
    return this.train({ label, parent: concept.parent, photos, seed: req.seed, generateNegatives: false }, (trained) => {
      if (!this.repository.replaceTraining(req.id, trained)) throw new AppError('NOT_FOUND', `*${concept.name} was deleted while it was retrained.`);
      return req.id;
    });
  }

  private photoFile(p: { itemId: number } | { uploadId: string }): { path: string; thumb: string | null; dropped?: true } {
    // A dropped photo's path is inside the data folder: errors call it by its place in the list, not by that path.
    return 'itemId' in p ? this.deps.itemFile(p.itemId) : { path: this.deps.uploadPath(p.uploadId), thumb: null, dropped: true };
  }

  private train(plan: TrainingPlan, store: Parameters<typeof startTraining>[2]): Promise<JobOf<'concepts.teach'>> {
    const context = { deps: this.deps, space: (clip: ClipModel) => this.space(clip), rankedSpace: this.rankedSpace.bind(this) };
    return startTraining(context, plan, store, (id) => {
      this.version++;
      return this.toConcept(this.stored(id));
    });
  }

  rename(id: number, name: string): Concept {
    const clean = ConceptNameSchema.parse(name);
    if (this.repository.nameTaken(clean, id)) throw new AppError('CONFLICT', `A concept named *${clean} exists already.`);
    this.stored(id);
    this.repository.rename(id, clean);
    this.version++;
    return this.toConcept(this.stored(id));
  }

  remove(id: number): void {
    this.stored(id);
    this.repository.remove(id);
    this.version++;
  }

  exportFile(id: number): ConceptFile {
    const concept = this.stored(id);
    return {
      format: 'compose-studio.concept',
      version: 1,
      name: concept.name,
      parent: concept.parent,
      model: concept.model,
      basisId: concept.basisId,
      z: concept.z,
      embedding: vectorBytes(concept.embedding).toString('base64'),
      attributes: concept.attributes,
      stats: concept.stats,
    };
  }

  async importFile(raw: unknown, name?: string): Promise<Concept> {
    const parsed = ConceptFileSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('INVALID_PARAMS', `That is not a Compose Studio concept file: ${parsed.error.issues[0]?.message ?? 'unreadable'}.`);
    const file = parsed.data;
    const clean = ConceptNameSchema.parse(name ?? file.name);
    const taken = () => new AppError('CONFLICT', `A concept named *${clean} exists already; import it under another name.`);
    if (this.repository.nameTaken(clean)) throw taken();
    const embedding = Buffer.from(file.embedding, 'base64');
    if (embedding.byteLength % 4 !== 0 || embedding.byteLength === 0) throw new AppError('INVALID_PARAMS', 'The concept file’s token is damaged.');
    const token = toVector(embedding);
    if (!token.every(Number.isFinite)) throw new AppError('INVALID_PARAMS', 'The concept file’s token holds numbers that are not finite (NaN or infinity).');
    const width = await this.tokenWidth(file.model);
    if (width !== null && token.length !== width) {
      throw new AppError('INVALID_PARAMS', `The concept file’s token has ${token.length} numbers; ${file.model} uses tokens of ${width}.`);
    }
    // Checked again: another import may have taken the name while the model loaded.
    if (this.repository.nameTaken(clean)) throw taken();
    const id = this.repository.insert(clean, file.parent, { model: file.model, basisId: file.basisId, z: file.z, embedding: token, positives: null, attributes: file.attributes, photos: [], stats: file.stats });
    this.version++;
    return this.toConcept(this.stored(id));
  }

  /** How many numbers a token of this model has: from the model when installed, else from its concepts; null if unknown. */
  private async tokenWidth(model: string): Promise<number | null> {
    const clip = await this.deps.clip(model).catch(() => null);
    if (clip) return (await clip.tokenEmbeddingEncoder()).dim;
    return this.repository.tokenWidth(model);
  }

  /** Whether a text names concepts. */
  has(text: string): boolean {
    return mentions(text).length > 0;
  }

  /**
   * The text feature of a query that names concepts, with GAIR: q = w·g([t,*,c]) + (1 − w)·mean_i g([t,a_i,c]), a_i the
   * concept's nearest attribute words. Both parts are cached, so moving w re-ranks without encoding.
   */
  async encodeQuery(clip: ClipModel, model: string, text: string, w = 1): Promise<Float32Array> {
    const key = `${model}|${this.version}|${text}`;
    const { token, context } = await this.queries.get(key, () => encodeConceptQuery(this.repository, clip, model, text));
    return gairQuery(token, context ?? [], w);
  }

  /** Chooses GAIR's w for a query from the library (see chooseConceptGair). */
  async autoGair(clip: ClipModel, model: string, text: string): Promise<{ w: number; scores: { w: number; score: number }[]; proxy: string }> {
    const retrieve = async (q: Float32Array) => (await this.deps.searchByVector(q, model, clip, 12)).flatMap((i) => this.deps.embeddingOf(i.id, model) ?? []);
    return chooseConceptGair(this.repository, text, (w) => this.encodeQuery(clip, model, text, w), retrieve);
  }

  /** The photos a concept was taught with (files and content hashes), or null when there is no such concept. */
  photoFiles(name: string): { path: string; sha256: string | null; thumb: string | null }[] | null {
    const concept = this.repository.byName(name.toLowerCase());
    if (!concept) return null;
    return concept.photos.flatMap((p) => (p.path ? [{ path: p.path, sha256: p.sha256 ?? null, thumb: p.thumb ?? null }] : []));
  }

  /** The content hashes of every concept's photos: the startup sweep of old uploads keeps these (retraining reads them). */
  photoHashes(): string[] {
    return this.repository.allPhotos().flatMap((photos) => photos.flatMap((p) => (p.sha256 ? [p.sha256] : [])));
  }

  /** A concept photo's file with exactly this content, if any concept holds one. */
  photoWithHash(hash: string): string | null {
    for (const photos of this.repository.allPhotos()) {
      const hit = photos.find((p) => p.sha256 === hash && p.path);
      if (hit) return hit.path!;
    }
    return null;
  }

  /** For edits: "*name" becomes the concept's nearest attribute words and parent word (the SD text encoder has no token). */
  describe(text: string): { text: string; replaced: string[] } {
    const replaced: string[] = [];
    const out = text.replace(MENTION, (_, raw: string) => {
      const concept = this.repository.byName(raw.toLowerCase());
      if (!concept) throw new AppError('NOT_FOUND', `No concept “*${raw}”.`);
      replaced.push(raw);
      const words = concept.attributes.slice(0, 2).map((a) => a.word);
      return [...words, concept.parent].join(' ');
    });
    return { text: out, replaced };
  }
}
