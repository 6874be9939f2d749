import { isFinished, type Album, type Problem } from '@contract';
import type { StudioClient } from '../api/client';
import { attempt } from './attempt';

/** The drag payload of library photos dragged out of the grid (their ids as JSON). */
export const ITEMS_MIME = 'application/x-studio-items';

/** Albums (collections): the list with counts and covers, and the changes the user makes to them. */
export class AlbumsState {
  albums = $state<Album[]>([]);
  error = $state<Problem | null>(null);

  constructor(private readonly client: StudioClient) {
    client.onStatus((s) => {
      if (s === 'open') void this.load();
    });
    // Indexing can add or drop photos that albums hold.
    client.on('job.progress', (job) => {
      if (job.kind === 'library.refresh' && isFinished(job.state)) void this.load();
    });
  }

  named(id: number | undefined): Album | undefined {
    return id === undefined ? undefined : this.albums.find((a) => a.id === id);
  }

  async load(): Promise<void> {
    await this.attempt(async () => {
      this.albums = await this.client.call('albums.list', {});
    });
  }

  /** The new album, or null when refused (the reason is in `error`). */
  create(name: string, itemIds: number[] = []): Promise<Album | null> {
    return this.attempt(async () => {
      const album = await this.client.call('albums.create', { name, ...(itemIds.length ? { itemIds } : {}) });
      await this.load();
      return album;
    });
  }

  rename(id: number, name: string): Promise<Album | null> {
    return this.attempt(async () => {
      const album = await this.client.call('albums.rename', { id, name });
      await this.load();
      return album;
    });
  }

  remove(id: number): Promise<boolean | null> {
    return this.attempt(async () => {
      await this.client.call('albums.delete', { id });
      await this.load();
      return true;
    });
  }

  add(id: number, itemIds: number[]): Promise<Album | null> {
    return this.attempt(async () => {
      const album = await this.client.call('albums.addItems', { id, itemIds });
      await this.load();
      return album;
    });
  }

  removeItems(id: number, itemIds: number[]): Promise<Album | null> {
    return this.attempt(async () => {
      const album = await this.client.call('albums.removeItems', { id, itemIds });
      await this.load();
      return album;
    });
  }

  /** The album's photos (in album order), at most `limit`, for teaching a concept from it. */
  photos(id: number, limit: number) {
    return this.attempt(async () => {
      const order = await this.client.call('albums.items', { id });
      const wanted = order.slice(0, limit);
      if (!wanted.length) return [];
      const { items } = await this.client.call('library.search', { filters: { album: id }, limit: 500 });
      const byId = new Map(items.map((i) => [i.id, i]));
      return wanted.flatMap((i) => byId.get(i) ?? []);
    });
  }

  private attempt<T>(work: () => Promise<T>): Promise<T | null> {
    return attempt(this, work);
  }
}
