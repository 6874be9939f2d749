import type { Concept } from '@contract';
import { toVector, vectorBytes } from '../../shared/vector';
import type { Db } from '../db';

/** A photo a concept was taught with: its thumbnail URL, and (when taught here) its file and content hash. */
export interface ConceptPhoto {
  thumb: string | null;
  path?: string;
  sha256?: string;
}

/** What a finished training stores. */
export interface TrainedConcept {
  model: string;
  basisId: string;
  z: number[];
  embedding: Float32Array;
  /** The training photos' embeddings, or null for an imported concept. */
  positives: Float32Array[] | null;
  attributes: Concept['attributes'];
  photos: ConceptPhoto[];
  stats: Concept['stats'];
}

/** A stored concept. */
export interface StoredConcept extends Omit<TrainedConcept, 'positives'> {
  id: number;
  name: string;
  parent: string;
  /** The training photos' embeddings laid end to end, or null. */
  positives: Float32Array | null;
  createdAt: number;
}

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

function toStored(row: Row): StoredConcept {
  return {
    id: row.id,
    name: row.name,
    parent: row.parent,
    model: row.model,
    basisId: row.basis_id,
    z: JSON.parse(row.z),
    embedding: toVector(row.embedding),
    positives: row.positives ? toVector(row.positives) : null,
    attributes: JSON.parse(row.attributes),
    photos: JSON.parse(row.photos),
    stats: JSON.parse(row.stats),
    createdAt: row.created_at,
  };
}

const positivesBytes = (p: Float32Array[] | null) => (p ? Buffer.concat(p.map(vectorBytes)) : null);

/** Personal concepts (the concepts table): learned tokens by name, with what they were learned from. */
/** The columns a training writes, in the order trainingValues gives them. */
const TRAINING_COLUMNS = ['model', 'basis_id', 'z', 'embedding', 'positives', 'attributes', 'photos', 'stats'] as const;

function trainingValues(concept: TrainedConcept): (string | number | Buffer | null)[] {
  return [
    concept.model,
    concept.basisId,
    JSON.stringify(concept.z),
    vectorBytes(concept.embedding),
    positivesBytes(concept.positives),
    JSON.stringify(concept.attributes),
    JSON.stringify(concept.photos),
    JSON.stringify(concept.stats),
  ];
}

export class ConceptsRepository {
  constructor(private readonly db: Db) {}

  /** Newest first. */
  list(): StoredConcept[] {
    return (this.db.prepare('SELECT * FROM concepts ORDER BY created_at DESC, id DESC').all() as Row[]).map(toStored);
  }

  byId(id: number): StoredConcept | null {
    const row = this.db.prepare('SELECT * FROM concepts WHERE id = ?').get(id) as Row | undefined;
    return row ? toStored(row) : null;
  }

  byName(name: string): StoredConcept | null {
    const row = this.db.prepare('SELECT * FROM concepts WHERE name = ?').get(name) as Row | undefined;
    return row ? toStored(row) : null;
  }

  /** Whether another concept (not `exceptId`) has this name. */
  nameTaken(name: string, exceptId?: number): boolean {
    return this.db.prepare('SELECT 1 FROM concepts WHERE name = ? AND id != ?').get(name, exceptId ?? -1) !== undefined;
  }

  insert(name: string, parent: string, concept: TrainedConcept): number {
    const sql = `INSERT INTO concepts (name, parent, ${TRAINING_COLUMNS.join(', ')}, created_at) VALUES (?, ?, ${TRAINING_COLUMNS.map(() => '?').join(', ')}, ?)`;
    return Number(this.db.prepare(sql).run(name, parent, ...trainingValues(concept), Date.now()).lastInsertRowid);
  }

  /** Replaces a concept's training (name and parent stay); false when it no longer exists. */
  replaceTraining(id: number, concept: TrainedConcept): boolean {
    const sql = `UPDATE concepts SET ${TRAINING_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;
    return this.db.prepare(sql).run(...trainingValues(concept), id).changes > 0;
  }

  rename(id: number, name: string): void {
    this.db.prepare('UPDATE concepts SET name = ? WHERE id = ?').run(name, id);
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM concepts WHERE id = ?').run(id);
  }

  /** The width of a model's stored tokens (numbers per token), or null when it has no concepts. */
  tokenWidth(model: string): number | null {
    const bytes = this.db.prepare('SELECT length(embedding) FROM concepts WHERE model = ? LIMIT 1').pluck().get(model) as number | undefined;
    return bytes === undefined ? null : bytes / 4;
  }

  /** Every concept's photos. */
  allPhotos(): ConceptPhoto[][] {
    return (this.db.prepare('SELECT photos FROM concepts').pluck().all() as string[]).map((json) => JSON.parse(json) as ConceptPhoto[]);
  }
}
