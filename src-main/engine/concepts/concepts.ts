import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-write';
import { readRegularFile } from '../storage/regular-file';
import sharp from 'sharp';
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
  thumbUrl,
} from '@contract';
import type { ClipModel } from '../clip/clip-model';
import { LruCache } from '../compose/lru-cache';
import type { JobRunner } from '../jobs/runner';
import type { Db } from '../library/db';
import { toVector } from '../library/queries';
import { buildAttributeSpace, nearestWords, readAttributeWords, singleToken, type AttributeSpace } from './attribute-space';
import { encodeWithTokens, expandMentions, mentions, MENTION, type ConceptToken } from './concept-text';
import { chooseGairWeight, gairQuery, pickNegatives } from './gair';
import { rankAttributeWords } from './word-ranking';
import { parentFeature, teach, TEMPLATES } from './trainer';

/** The subspace's dimension: chosen by the study in README (MRR on the generated PerVL-style set). */
export const DEFAULT_DIMENSIONS = 16;
/** Attribute words averaged into the GAIR context query. */
const GAIR_ATTRIBUTES = 5;
const MAX_NEGATIVES = 32;

interface Row {
  id: number;
  name: string;
  parent: string;
  model: string;
  basis_id: string;
  z: string;
  embedding: Buffer;
  positives: Buffer | null;
  attributes: string;
  photos: string;
  stats: string;
  created_at: number;
}

export interface ConceptsDeps {
  db: Db;
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

/** How many parent-class pictures to generate when asked. */
const GENERATED_NEGATIVES = 4;

/** Retraining keeps the stored photos and adds new ones, up to this many in all (teaching anew takes 3–5). */
export const MAX_RETRAIN_PHOTOS = 8;

/** A finished training as the concepts table stores it. */
interface TrainedRecord {
  model: string;
  basisId: string;
  z: string;
  embedding: Buffer;
  positives: Buffer;
  attributes: string;
  photos: string;
  stats: string;
}

const blob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** Personal concepts: teaching (a job), storage, export/import, and "*name" in text queries (with GAIR). */
export class Concepts {
  private readonly spaces = new Map<string, Promise<AttributeSpace>>();
  private readonly queries = new LruCache<{ token: Float32Array; context: Float32Array[] | null }>(128);
  /** Bumped on every change, so cached query encodings of renamed or deleted concepts are not reused. */
  private version = 0;

  constructor(private readonly deps: ConceptsDeps) {}

  private rows(): Row[] {
    return this.deps.db.prepare('SELECT * FROM concepts ORDER BY created_at DESC, id DESC').all() as Row[];
  }

  private row(id: number): Row {
    const row = this.deps.db.prepare('SELECT * FROM concepts WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No concept ${id}.`);
    return row;
  }

  private toConcept(row: Row): Concept {
    const stats = JSON.parse(row.stats) as Concept['stats'];
    return {
      id: row.id,
      name: row.name,
      parent: row.parent,
      model: row.model,
      attributes: JSON.parse(row.attributes),
      photos: (JSON.parse(row.photos) as { thumb: string | null }[]).flatMap((p) => (p.thumb ? [p.thumb] : [])),
      stats,
      tokens: { clip: true, stableDiffusion: false },
      createdAt: row.created_at,
    };
  }

  list(): Concept[] {
    return this.rows().map((r) => this.toConcept(r));
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
    const key = `${clip.textFile}|${k}`;
    let pending = this.spaces.get(key);
    if (!pending) {
      pending = (async () => {
        const encoder = await clip.tokenEmbeddingEncoder();
        return buildAttributeSpace(encoder.table, encoder.dim, clip.tokenizer, await readAttributeWords(this.deps.attributeWordsFile), k);
      })();
      pending.catch(() => this.spaces.delete(key));
      this.spaces.set(key, pending);
    }
    return pending;
  }

  /** Checks a teaching request and starts it as a job; nothing is stored unless it finishes. */
  async startTeaching(request: TeachRequest): Promise<JobOf<'concepts.teach'>> {
    const req = TeachRequestSchema.parse(request);
    if (req.photos.length < 3 || req.photos.length > 5) {
      throw new AppError('INVALID_PARAMS', `Teach a concept with 3 to 5 photos of it (${req.photos.length} given): fewer cannot tell it from its kind, more adds little.`);
    }
    if (this.deps.db.prepare('SELECT 1 FROM concepts WHERE name = ?').get(req.name)) {
      throw new AppError('CONFLICT', `A concept named *${req.name} exists already; pick another name or delete that one.`);
    }
    const photos = req.photos.map((p) => this.photoFile(p));
    return this.train({ label: `Teaching *${req.name} (${req.parent})`, parent: req.parent, photos, seed: req.seed, generateNegatives: req.generateNegatives }, (record) =>
      Number(
        this.deps.db
          .prepare('INSERT INTO concepts (name, parent, model, basis_id, z, embedding, positives, attributes, photos, stats, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(req.name, req.parent, record.model, record.basisId, record.z, record.embedding, record.positives, record.attributes, record.photos, record.stats, Date.now()).lastInsertRowid,
      ),
    );
  }

  /**
   * Retrains a concept with its stored photos plus new ones (up to MAX_RETRAIN_PHOTOS in all), as a job. The stored token
   * is replaced only when the new training finishes: a cancelled or failed retraining keeps the concept as it was.
   */
  async startAddingPhotos(request: AddPhotosRequest): Promise<JobOf<'concepts.teach'>> {
    const req = AddPhotosRequestSchema.parse(request);
    const row = this.row(req.id);
    const stored = this.photoFiles(row.name) ?? [];
    if (stored.length === 0) throw new AppError('UNAVAILABLE', `*${row.name} has no stored photos (imported?); teach it anew from photos instead.`);
    const total = stored.length + req.photos.length;
    if (total > MAX_RETRAIN_PHOTOS) {
      throw new AppError('INVALID_PARAMS', `*${row.name} has ${stored.length} photos; add at most ${MAX_RETRAIN_PHOTOS - stored.length} more (${MAX_RETRAIN_PHOTOS} in all).`);
    }
    const gone = stored.find((p) => !existsSync(p.path));
    if (gone) throw new AppError('NOT_FOUND', `A photo *${row.name} was taught with is gone (${gone.path}); teach it anew from photos instead.`);
    const photos = [...stored.map((p) => ({ path: p.path, thumb: p.thumb })), ...req.photos.map((p) => this.photoFile(p))];
    return this.train({ label: `Retraining *${row.name} with ${req.photos.length} more photo${req.photos.length === 1 ? '' : 's'}`, parent: row.parent, photos, seed: req.seed, generateNegatives: false }, (record) => {
      const changes = this.deps.db
        .prepare('UPDATE concepts SET model = ?, basis_id = ?, z = ?, embedding = ?, positives = ?, attributes = ?, photos = ?, stats = ? WHERE id = ?')
        .run(record.model, record.basisId, record.z, record.embedding, record.positives, record.attributes, record.photos, record.stats, req.id).changes;
      if (changes === 0) throw new AppError('NOT_FOUND', `*${row.name} was deleted while it was retrained.`);
      return req.id;
    });
  }

  private photoFile(p: { itemId: number } | { uploadId: string }): { path: string; thumb: string | null; dropped?: true } {
    // A dropped photo's path is inside the data folder: errors call it by its place in the list, not by that path.
    return 'itemId' in p ? this.deps.itemFile(p.itemId) : { path: this.deps.uploadPath(p.uploadId), thumb: null, dropped: true };
  }

  /** Reads and checks the photos, then teaches a token as a job; `store` writes the finished concept and returns its id. */
  private async train(
    plan: { label: string; parent: string; photos: { path: string; thumb: string | null; dropped?: true }[]; seed: number; generateNegatives: boolean },
    store: (record: TrainedRecord) => number,
  ): Promise<JobOf<'concepts.teach'>> {
    const { photos, parent } = plan;
    const model = this.deps.servingModel();
    const clip = await this.deps.clip(model);
    if (!clip) this.deps.requireModel(model);
    const parentTokens = clip!.tokenizer.encode(parent).length - 2;
    if (singleToken(clip!.tokenizer, parent) === null) {
      throw new AppError('INVALID_PARAMS', `“${parent}” is ${parentTokens} tokens for the text encoder; use a one-word parent such as “mug” or “dress”.`);
    }
    // Read once, as regular files only (a library photo swapped for a FIFO cannot hang teaching).
    const bytes = await Promise.all(photos.map((p) => readRegularFile(p.path, { timeoutMs: 60_000 })));
    const hashes = bytes.map((b) => createHash('sha256').update(b).digest('hex'));
    for (let i = 0; i < hashes.length; i++) {
      const j = hashes.indexOf(hashes[i]!);
      if (j !== i) throw new AppError('INVALID_PARAMS', `Photos ${j + 1} and ${i + 1} are the same picture; use different photos of the concept.`);
    }
    const job: JobOf<'concepts.teach'> = this.deps.jobs.submit({ kind: 'concepts.teach', label: plan.label, unit: 'generations', total: 120 }, async (ctx) => {
      const encoded = await clip!.encodeImages(bytes);
      const positives = encoded.map((e, i) => {
        if (!e.ok) throw new AppError('BAD_IMAGE', `Photo ${i + 1} (${photos[i]!.dropped ? 'a dropped picture' : photos[i]!.path}) could not be read: ${e.error.message}`);
        return e.embedding;
      });
      const negatives = await this.negatives(clip!, model, parent, positives);
      let generated = 0;
      if (plan.generateNegatives) {
        if (!this.deps.generate) throw new AppError('UNAVAILABLE', 'This studio cannot generate pictures.');
        const pictures = await this.deps.generate(TEMPLATES[0]!.replace('{}', parent), GENERATED_NEGATIVES, plan.seed, ctx.signal);
        for (const result of await clip!.encodeImages(pictures)) {
          if (!result.ok) continue;
          negatives.push(result.embedding);
          generated++;
        }
      }
      // The concept's own subspace: the attribute words most like its photos (MRR on the PerVL-style set: README).
      const space = await this.rankedSpace(clip!, DEFAULT_DIMENSIONS, parent, positives);
      const curve: number[] = [];
      const result = await teach({
        clip: clip!,
        space,
        parent,
        positives,
        negatives,
        seed: plan.seed,
        signal: ctx.signal,
        onGeneration: async (stats, best) => {
          ctx.progress(stats.generation, 120);
          curve.push(stats.bestLoss);
          const matches = stats.generation % 5 === 1 ? await this.deps.searchByVector(best, model, clip!, 8) : null;
          this.deps.publishProgress({ jobId: job.id, generation: stats.generation, bestLoss: stats.bestLoss, accuracy: stats.accuracy, curve: [...curve], matches: matches ?? [] });
        },
      });
      const thumbs = await Promise.all(photos.map((p, i) => p.thumb ?? this.conceptThumb(bytes[i]!, hashes[i]!)));
      const stats: Concept['stats'] = {
        generations: result.stats.generation,
        evaluations: result.stats.evaluations,
        textsEncoded: result.stats.textsEncoded,
        loss: result.stats.bestLoss,
        accuracy: result.stats.accuracy,
        seconds: result.stats.seconds,
        negatives: negatives.length,
        generatedNegatives: generated,
        dimensions: space.basis.length,
      };
      // Explained by the curated word list (readable words), whichever subspace the token was searched in.
      const explanation = nearestWords(await this.space(clip!), result.embedding, 8);
      const id = store({
        model,
        basisId: space.id,
        z: JSON.stringify(result.z),
        embedding: blob(result.embedding),
        positives: Buffer.concat(positives.map(blob)),
        attributes: JSON.stringify(explanation),
        photos: JSON.stringify(thumbs.map((thumb, i) => ({ thumb, path: photos[i]!.path, sha256: hashes[i] }))),
        stats: JSON.stringify(stats),
      });
      this.version++;
      return this.toConcept(this.row(id));
    });
    return job;
  }

  /** A thumbnail for a dropped photo, in the thumbnail cache (served under /thumbs/). */
  private async conceptThumb(path: string | Buffer, sha: string): Promise<string> {
    const name = `concepts/${sha.slice(0, 24)}.webp`;
    await mkdir(join(this.deps.thumbDir, 'concepts'), { recursive: true });
    await writeFileAtomic(join(this.deps.thumbDir, name), await sharp(path).rotate().resize(256, 256, { fit: 'inside' }).webp().toBuffer());
    return thumbUrl(name);
  }

  /**
   * Parent-class negatives from the library: the photos that "a photo of a <parent>" finds first, minus the training
   * photos, their near-duplicates (cosine ≥ 0.95), and photos within the training photos' own spread.
   */
  private async negatives(clip: ClipModel, model: string, parent: string, positives: Float32Array[]): Promise<Float32Array[]> {
    const items = await this.deps.searchByVector(await parentFeature(clip, parent), model, clip, MAX_NEGATIVES * 2).catch(() => []);
    const candidates = items.flatMap((item) => this.deps.embeddingOf(item.id, model) ?? []);
    return pickNegatives(positives, candidates, MAX_NEGATIVES);
  }

  rename(id: number, name: string): Concept {
    const clean = ConceptNameSchema.parse(name);
    const clash = this.deps.db.prepare('SELECT id FROM concepts WHERE name = ? AND id != ?').get(clean, id);
    if (clash) throw new AppError('CONFLICT', `A concept named *${clean} exists already.`);
    this.row(id);
    this.deps.db.prepare('UPDATE concepts SET name = ? WHERE id = ?').run(clean, id);
    this.version++;
    return this.toConcept(this.row(id));
  }

  remove(id: number): void {
    this.row(id);
    this.deps.db.prepare('DELETE FROM concepts WHERE id = ?').run(id);
    this.version++;
  }

  exportFile(id: number): ConceptFile {
    const row = this.row(id);
    return {
      format: 'compose-studio.concept',
      version: 1,
      name: row.name,
      parent: row.parent,
      model: row.model,
      basisId: row.basis_id,
      z: JSON.parse(row.z),
      embedding: row.embedding.toString('base64'),
      attributes: JSON.parse(row.attributes),
      stats: JSON.parse(row.stats),
    };
  }

  async importFile(raw: unknown, name?: string): Promise<Concept> {
    const parsed = ConceptFileSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('INVALID_PARAMS', `That is not a Compose Studio concept file: ${parsed.error.issues[0]?.message ?? 'unreadable'}.`);
    const file = parsed.data;
    const clean = ConceptNameSchema.parse(name ?? file.name);
    if (this.deps.db.prepare('SELECT 1 FROM concepts WHERE name = ?').get(clean)) throw new AppError('CONFLICT', `A concept named *${clean} exists already; import it under another name.`);
    const embedding = Buffer.from(file.embedding, 'base64');
    if (embedding.byteLength % 4 !== 0 || embedding.byteLength === 0) throw new AppError('INVALID_PARAMS', 'The concept file’s token is damaged.');
    const token = toVector(embedding);
    if (!token.every(Number.isFinite)) throw new AppError('INVALID_PARAMS', 'The concept file’s token holds numbers that are not finite (NaN or infinity).');
    const width = await this.tokenWidth(file.model);
    if (width !== null && token.length !== width) {
      throw new AppError('INVALID_PARAMS', `The concept file’s token has ${token.length} numbers; ${file.model} uses tokens of ${width}.`);
    }
    if (this.deps.db.prepare('SELECT 1 FROM concepts WHERE name = ?').get(clean)) throw new AppError('CONFLICT', `A concept named *${clean} exists already; import it under another name.`);
    const id = Number(
      this.deps.db
        .prepare('INSERT INTO concepts (name, parent, model, basis_id, z, embedding, positives, attributes, photos, stats, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)')
        .run(clean, file.parent, file.model, file.basisId, JSON.stringify(file.z), embedding, JSON.stringify(file.attributes), '[]', JSON.stringify(file.stats), Date.now()).lastInsertRowid,
    );
    this.version++;
    return this.toConcept(this.row(id));
  }

  /** How many numbers a token of this model has: from the model when installed, else from its concepts; null if unknown. */
  private async tokenWidth(model: string): Promise<number | null> {
    const clip = await this.deps.clip(model).catch(() => null);
    if (clip) return (await clip.tokenEmbeddingEncoder()).dim;
    const bytes = this.deps.db.prepare('SELECT length(embedding) FROM concepts WHERE model = ? LIMIT 1').pluck().get(model) as number | undefined;
    return bytes === undefined ? null : bytes / 4;
  }

  /** The token of a concept for a model, or an error saying which model it needs. */
  private token(name: string, model: string): ConceptToken | null {
    const row = this.deps.db.prepare('SELECT * FROM concepts WHERE name = ?').get(name) as Row | undefined;
    if (!row) return null;
    if (row.model !== model) throw new AppError('MODEL_MISMATCH', `*${name} was learned for ${row.model}; search now uses ${model}. Teach it again with this model.`);
    return { name: row.name, parent: row.parent, embedding: toVector(row.embedding) };
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
    const { token, context } = await this.queries.get(key, async () => {
      const { text: expanded, concepts } = expandMentions(text, (name) => this.token(name, model));
      const [feature] = await encodeWithTokens(await clip.tokenEmbeddingEncoder(), clip.tokenizer, [{ text: expanded, tokens: concepts.map((c) => c.embedding) }]);
      const attributes = concepts.map((c) => (JSON.parse((this.deps.db.prepare('SELECT attributes FROM concepts WHERE name = ?').get(c.name) as { attributes: string }).attributes) as { word: string }[]).map((a) => a.word));
      const contexts = Array.from({ length: GAIR_ATTRIBUTES }, (_, i) => {
        let k = 0;
        return text.replace(MENTION, () => {
          const c = concepts[k]!;
          const words = attributes[k++]!;
          return `${words[i % Math.max(1, words.length)] ?? ''} ${c.parent}`.trim();
        });
      });
      return { token: feature!, context: await clip.encodeTexts(contexts) };
    });
    return gairQuery(token, context ?? [], w);
  }

  /**
   * Algorithm 1 without a generator: for each w, the photos the query q(w) finds (instead of generated images) are
   * scored by min(similarity to the context query's photos, similarity to the concept's own photos); the best w wins.
   */
  async autoGair(clip: ClipModel, model: string, text: string): Promise<{ w: number; scores: { w: number; score: number }[]; proxy: string }> {
    const names = mentions(text);
    if (names.length === 0) throw new AppError('INVALID_PARAMS', 'The query names no concept (*name).');
    const row = this.deps.db.prepare('SELECT positives FROM concepts WHERE name = ?').get(names[0]!) as { positives: Buffer | null } | undefined;
    if (!row?.positives) throw new AppError('UNAVAILABLE', `*${names[0]} has no training photos stored (imported?), so w cannot be chosen automatically.`);
    const dim = (await this.encodeQuery(clip, model, text, 1)).length;
    const own = toVector(row.positives);
    const photos = Array.from({ length: own.length / dim }, (_, i) => own.slice(i * dim, (i + 1) * dim));
    const retrieve = async (q: Float32Array) => (await this.deps.searchByVector(q, model, clip, 12)).flatMap((i) => this.deps.embeddingOf(i.id, model) ?? []);
    const chosen = await chooseGairWeight((w) => this.encodeQuery(clip, model, text, w), retrieve, photos);
    return { ...chosen, proxy: 'library photos retrieved by each query stand in for generated images (no generator installed)' };
  }

  /** The photos a concept was taught with (files and content hashes), or null when there is no such concept. */
  photoFiles(name: string): { path: string; sha256: string | null; thumb: string | null }[] | null {
    const photos = this.deps.db.prepare('SELECT photos FROM concepts WHERE name = ?').pluck().get(name.toLowerCase()) as string | undefined;
    if (photos === undefined) return null;
    return (JSON.parse(photos) as { path?: string; sha256?: string; thumb?: string | null }[]).flatMap((p) => (p.path ? [{ path: p.path, sha256: p.sha256 ?? null, thumb: p.thumb ?? null }] : []));
  }

  /** The content hashes of every concept's photos: the startup sweep of old uploads keeps these (retraining reads them). */
  photoHashes(): string[] {
    return (this.deps.db.prepare('SELECT photos FROM concepts').pluck().all() as string[]).flatMap((json) => (JSON.parse(json) as { sha256?: string }[]).flatMap((p) => (p.sha256 ? [p.sha256] : [])));
  }

  /** A concept photo's file with exactly this content, if any concept holds one. */
  photoWithHash(hash: string): string | null {
    for (const photos of this.deps.db.prepare('SELECT photos FROM concepts').pluck().all() as string[]) {
      const hit = (JSON.parse(photos) as { path?: string; sha256?: string }[]).find((p) => p.sha256 === hash && p.path);
      if (hit) return hit.path!;
    }
    return null;
  }

  /** For edits: "*name" becomes the concept's nearest attribute words and parent word (the SD text encoder has no token). */
  describe(text: string): { text: string; replaced: string[] } {
    const replaced: string[] = [];
    const out = text.replace(MENTION, (_, raw: string) => {
      const row = this.deps.db.prepare('SELECT parent, attributes FROM concepts WHERE name = ?').get(raw.toLowerCase()) as { parent: string; attributes: string } | undefined;
      if (!row) throw new AppError('NOT_FOUND', `No concept “*${raw}”.`);
      replaced.push(raw);
      const words = (JSON.parse(row.attributes) as { word: string }[]).slice(0, 2).map((a) => a.word);
      return [...words, row.parent].join(' ');
    });
    return { text: out, replaced };
  }
}
