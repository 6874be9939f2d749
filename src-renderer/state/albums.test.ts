import { describe, expect, it } from 'vitest';
import { AppError, type Album, type LibraryItem } from '@contract';
import type { StudioClient } from '../api/client';
import { AlbumsState } from './albums.svelte';

const item = (id: number): LibraryItem => ({ id, path: `/p/${id}.png`, name: `${id}.png`, folder: '/p', width: 4, height: 3, thumb: `t${id}.webp`, score: null });

/** A client over an in-memory album store, answering the album methods the way the engine does. */
function fakeClient() {
  let albums: (Album & { ids: number[] })[] = [];
  let nextId = 1;
  const calls: string[] = [];
  const view = (a: Album & { ids: number[] }): Album => ({ id: a.id, name: a.name, createdAt: a.createdAt, count: a.ids.length, cover: a.ids.length ? `t${a.ids[0]}.webp` : null });
  const find = (id: number) => {
    const a = albums.find((x) => x.id === id);
    if (!a) throw new AppError('NOT_FOUND', `No album with id ${id}.`);
    return a;
  };
  const handlers: Record<string, (p: never) => unknown> = {
    'albums.list': () => albums.map(view),
    'albums.create': ({ name, itemIds = [] }: { name: string; itemIds?: number[] }) => {
      if (albums.some((a) => a.name.toLowerCase() === name.toLowerCase())) throw new AppError('CONFLICT', `There is already an album named “${name}”.`);
      const a = { id: nextId++, name, createdAt: 1, count: 0, cover: null, ids: [...itemIds] };
      albums = [...albums, a];
      return view(a);
    },
    'albums.addItems': ({ id, itemIds }: { id: number; itemIds: number[] }) => {
      const a = find(id);
      a.ids = [...a.ids, ...itemIds.filter((i) => !a.ids.includes(i))];
      return view(a);
    },
    'albums.delete': ({ id }: { id: number }) => {
      find(id);
      albums = albums.filter((a) => a.id !== id);
      return { removed: true };
    },
    'albums.items': ({ id }: { id: number }) => find(id).ids,
    // Listing order (date taken) differs from album order.
    'library.search': ({ filters }: { filters: { album: number } }) => ({ items: [...find(filters.album).ids].sort((x, y) => x - y).map(item), mode: 'list', note: null }),
  };
  const client = {
    call: async (method: string, params: never) => {
      calls.push(method);
      return handlers[method]!(params);
    },
    on: () => () => {},
    onStatus: () => () => {},
  } as unknown as StudioClient;
  return { client, calls };
}

describe('AlbumsState', () => {
  it('keeps the list current after each change', async () => {
    const { client } = fakeClient();
    const state = new AlbumsState(client);
    const made = await state.create('Trip', [3, 1]);
    expect(made).toMatchObject({ name: 'Trip', count: 2 });
    expect(state.albums.map((a) => [a.name, a.count, a.cover])).toEqual([['Trip', 2, 't3.webp']]);
    await state.add(made!.id, [1, 2]);
    expect(state.named(made!.id)?.count).toBe(3);
    expect(await state.remove(made!.id)).toBe(true);
    expect(state.albums).toEqual([]);
    expect(state.named(made!.id)).toBeUndefined();
  });

  it('says why a change was refused and changes nothing', async () => {
    const { client } = fakeClient();
    const state = new AlbumsState(client);
    await state.create('Clients');
    expect(await state.create('CLIENTS')).toBeNull();
    expect(state.error?.detail).toMatch(/already an album named/);
    expect(state.albums).toHaveLength(1);
    expect(await state.add(99, [1])).toBeNull();
    expect(state.error?.detail).toMatch(/No album with id 99/);
    await state.load();
    expect(state.error).toBeNull();
  });

  it('gives an album’s first photos in album order for teaching a concept', async () => {
    const { client } = fakeClient();
    const state = new AlbumsState(client);
    const album = await state.create('Mugs', [7, 2, 9, 4, 5, 6]);
    const photos = await state.photos(album!.id, 5);
    expect(photos!.map((p) => p.id)).toEqual([7, 2, 9, 4, 5]);
    expect(await state.photos(album!.id, 0)).toEqual([]);
  });
});
