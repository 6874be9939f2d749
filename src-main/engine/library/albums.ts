import { AppError, type Album } from '@contract';
import type { AlbumsRepository } from '../storage/library/albums-repository';

/** Albums (collections): named, hand-picked sets of library photos. Deleting an album or taking photos out never deletes a photo. */
export class Albums {
  constructor(
    private readonly repository: AlbumsRepository,
    private readonly now: () => number = Date.now,
  ) {}

  list(): Album[] {
    return this.repository.list();
  }

  get(id: number): Album {
    const album = this.repository.get(id);
    if (!album) throw new AppError('NOT_FOUND', `No album with id ${id}.`);
    return album;
  }

  /** Fails with NOT_FOUND when the album does not exist (e.g. a filter naming a deleted album). */
  require(id: number): void {
    this.get(id);
  }

  create(name: string, itemIds: readonly number[] = []): Album {
    const clean = name.trim();
    this.refuseTaken(clean);
    this.requireFiles(itemIds);
    const id = this.repository.create(clean, this.now());
    if (itemIds.length) this.repository.add(id, itemIds, this.now());
    return this.get(id);
  }

  rename(id: number, name: string): Album {
    const clean = name.trim();
    this.get(id);
    this.refuseTaken(clean, id);
    this.repository.rename(id, clean);
    return this.get(id);
  }

  /** Deletes the album, never its photos. */
  delete(id: number): { removed: true } {
    if (!this.repository.remove(id)) throw new AppError('NOT_FOUND', `No album with id ${id}.`);
    return { removed: true };
  }

  addItems(id: number, itemIds: readonly number[]): Album {
    this.get(id);
    this.requireFiles(itemIds);
    this.repository.add(id, itemIds, this.now());
    return this.get(id);
  }

  removeItems(id: number, itemIds: readonly number[]): Album {
    this.get(id);
    this.repository.removeItems(id, itemIds);
    return this.get(id);
  }

  /** The album's indexed photos, in album order. */
  itemIds(id: number): number[] {
    this.get(id);
    return this.repository.fileIds(id);
  }

  private refuseTaken(name: string, except?: number): void {
    const other = this.repository.idNamed(name);
    if (other !== null && other !== except) throw new AppError('CONFLICT', `There is already an album named “${name}”.`);
  }

  private requireFiles(itemIds: readonly number[]): void {
    const found = this.repository.existingFiles(itemIds);
    const missing = itemIds.filter((id) => !found.has(id));
    if (missing.length) throw new AppError('NOT_FOUND', `No library item${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`, { missing });
  }
}
