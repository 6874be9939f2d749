import type { ItemDetail, ItemsUpdate } from '@contract';
import type { Db } from '../db';
import { DuplicatesRepository } from './duplicates-repository';
import { FLAG_VALUES, flagName } from './item-columns';
import { TagsRepository } from './tags-repository';

interface FileRow {
  id: number;
  path: string;
  name: string;
  folder: string;
  width: number | null;
  height: number | null;
  thumb: string | null;
  size: number;
  format: string | null;
  taken_at: number | null;
  camera: string | null;
  lens: string | null;
  gps_lat: number | null;
  gps_lon: number | null;
  iso: number | null;
  aperture: number | null;
  shutter: number | null;
  focal_length: number | null;
  title: string | null;
  caption: string | null;
  rating: number | null;
  flag: number | null;
  hash: string | null;
  status: string;
  error: string | null;
  preview_width: number | null;
  preview_height: number | null;
}

/** One library item at a time: its details, lookups by path and content, and the user's ratings, flags and tags. */
export class ItemsRepository {
  private readonly tags: TagsRepository;
  private readonly duplicates: DuplicatesRepository;

  constructor(private readonly db: Db) {
    this.tags = new TagsRepository(db);
    this.duplicates = new DuplicatesRepository(db);
  }

  /** An item's details (with its tags and the other paths of its content), or null when there is none. */
  detail(id: number): ItemDetail | null {
    const row = this.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
    if (!row) return null;
    const exposure = { iso: row.iso, aperture: row.aperture, shutter: row.shutter, focalLength: row.focal_length };
    return {
      id: row.id,
      path: row.path,
      name: row.name,
      folder: row.folder,
      width: row.width,
      height: row.height,
      thumb: row.thumb,
      score: null,
      size: row.size,
      format: row.format,
      takenAt: row.taken_at,
      camera: row.camera,
      lens: row.lens,
      gps: row.gps_lat !== null && row.gps_lon !== null ? { lat: row.gps_lat, lon: row.gps_lon } : null,
      exposure: Object.values(exposure).some((v) => v !== null) ? exposure : null,
      title: row.title,
      caption: row.caption,
      rating: row.rating ?? 0,
      flag: flagName(row.flag ?? 0),
      tags: this.tags.of(id),
      status: row.status,
      error: row.error,
      duplicates: row.hash ? this.duplicates.pathsWithHash(row.hash, id) : [],
      embeddedPreview: row.preview_width && row.preview_height ? { width: row.preview_width, height: row.preview_height } : null,
    };
  }

  /** Indexed items with exactly this content (sha256). */
  indexedWithHash(hash: string): number[] {
    return this.db.prepare("SELECT id FROM files WHERE hash = ? AND status = 'indexed'").pluck().all(hash) as number[];
  }

  /** An indexed item's file and content hash. */
  indexedFile(id: number): { path: string; hash: string } | null {
    return (this.db.prepare("SELECT path, hash FROM files WHERE id = ? AND status = 'indexed'").get(id) as { path: string; hash: string } | undefined) ?? null;
  }

  /** An item's content hash (null until it is indexed, or when there is no such item). */
  hashOf(id: number): string | null {
    return (this.db.prepare('SELECT hash FROM files WHERE id = ?').pluck().get(id) as string | null | undefined) ?? null;
  }

  idByPath(path: string): number | undefined {
    return this.db.prepare('SELECT id FROM files WHERE path = ?').pluck().get(path) as number | undefined;
  }

  /** How many of these ids are items (of any status). */
  countExisting(ids: readonly number[]): number {
    if (ids.length === 0) return 0;
    return this.db.prepare(`SELECT count(*) FROM files WHERE id IN (${ids.map(() => '?').join(',')})`).pluck().get(...ids) as number;
  }

  /** Rates, flags and tags these items (one transaction); tags already clean (trimmed, lower-case). */
  update(ids: readonly number[], update: Pick<ItemsUpdate, 'rating' | 'flag'> & { addTags: string[]; removeTags: string[] }): void {
    this.db.transaction(() => {
      for (const id of ids) {
        if (update.rating !== undefined) this.db.prepare('UPDATE files SET rating = ? WHERE id = ?').run(update.rating, id);
        if (update.flag !== undefined) this.db.prepare('UPDATE files SET flag = ? WHERE id = ?').run(FLAG_VALUES[update.flag], id);
        this.tags.add(id, update.addTags);
        this.tags.remove(id, update.removeTags);
      }
    })();
  }

  /** Replaces an item's tags. */
  setTags(id: number, tags: readonly string[]): void {
    this.tags.replace(id, tags);
  }
}
