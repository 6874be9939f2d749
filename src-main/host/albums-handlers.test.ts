import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type Services } from '../engine/app-services';
import { createDispatcher, type Dispatch } from './dispatcher';
import { serviceHandlers } from './handlers';

let engine: Services;
let dispatch: Dispatch;
const call = async (method: string, params: unknown) => dispatch({ id: 1, method, params }, { transport: 'direct' });

beforeAll(async () => {
  engine = await startEngine({ dataDir: await mkdtemp(join(tmpdir(), 'studio-albums-')), host: 'cli', environment: { forcedProvider: 'cpu' } });
  dispatch = createDispatcher(serviceHandlers(engine));
});
afterAll(() => engine.close());

describe('album methods', () => {
  it('create, list, rename and delete an album through the dispatcher', async () => {
    const created = await call('albums.create', { name: '  Client X  ' });
    expect(created).toMatchObject({ ok: true, result: { name: 'Client X', count: 0, cover: null } });
    const id = (created as { result: { id: number } }).result.id;
    expect(await call('albums.list', {})).toMatchObject({ ok: true, result: [{ id, name: 'Client X' }] });
    expect(await call('albums.rename', { id, name: 'client x (final)' })).toMatchObject({ ok: true, result: { id, name: 'client x (final)' } });
    expect(await call('albums.rename', { id, name: 'CLIENT X (FINAL)' })).toMatchObject({ ok: true, result: { name: 'CLIENT X (FINAL)' } });
    expect(await call('albums.delete', { id })).toEqual({ id: 1, ok: true, result: { removed: true } });
    expect(await call('albums.list', {})).toMatchObject({ ok: true, result: [] });
  });

  it('refuses a name in use (any case) with CONFLICT and keeps the first album', async () => {
    await call('albums.create', { name: 'Moodboard' });
    expect(await call('albums.create', { name: 'moodBOARD' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const other = await call('albums.create', { name: 'Other' });
    const otherId = (other as { result: { id: number } }).result.id;
    expect(await call('albums.rename', { id: otherId, name: 'MOODBOARD' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call('albums.list', {})).toMatchObject({ ok: true, result: [{ name: 'Moodboard' }, { name: 'Other' }] });
  });

  it('answers unknown albums and photos with NOT_FOUND and changes nothing', async () => {
    const created = await call('albums.create', { name: 'Empty' });
    const id = (created as { result: { id: number } }).result.id;
    for (const [method, params] of [
      ['albums.rename', { id: 9999, name: 'x' }],
      ['albums.delete', { id: 9999 }],
      ['albums.addItems', { id: 9999, itemIds: [1] }],
      ['albums.removeItems', { id: 9999, itemIds: [1] }],
      ['albums.items', { id: 9999 }],
      ['albums.addItems', { id, itemIds: [424242] }],
      ['albums.create', { name: 'With ghosts', itemIds: [424242] }],
      ['library.search', { filters: { album: 9999 } }],
    ] as const) {
      expect(await call(method, params), method).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    expect(await call('albums.items', { id })).toMatchObject({ ok: true, result: [] });
    expect(((await call('albums.list', {})) as { result: { name: string }[] }).result.map((a) => a.name)).not.toContain('With ghosts');
    expect(await call('library.search', { filters: { album: id } })).toMatchObject({ ok: true, result: { items: [] } });
  });

  it('rejects malformed params with INVALID_PARAMS', async () => {
    for (const [method, params] of [
      ['albums.create', { name: '   ' }],
      ['albums.create', { name: 'x'.repeat(121) }],
      ['albums.create', { name: 'ok', extra: true }],
      ['albums.rename', { id: 'one', name: 'x' }],
      ['albums.addItems', { id: 1, itemIds: [] }],
      ['albums.addItems', { id: 1, itemIds: [1.5] }],
      ['albums.removeItems', { id: 1 }],
      ['library.search', { filters: { album: 'summer' } }],
    ] as const) {
      expect(await call(method, params), `${method} ${JSON.stringify(params)}`).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    }
  });
});
