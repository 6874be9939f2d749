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
  engine = await startEngine({ dataDir: await mkdtemp(join(tmpdir(), 'studio-dups-')), host: 'cli', environment: { forcedProvider: 'cpu' } });
  dispatch = createDispatcher(serviceHandlers(engine));
});
afterAll(() => engine.close());

describe('library.duplicates.resolve', () => {
  it('refuses malformed requests with INVALID_PARAMS', async () => {
    for (const params of [
      {},
      { groups: [] },
      { groups: [{ keep: 1, trash: [] }] },
      { groups: [{ keep: 1, trash: [1, 2] }] }, // keeping and trashing the same photo
      { groups: [{ keep: 1, trash: ['/etc/passwd'] }] }, // paths are never accepted, only library item ids
      { groups: [{ keep: 1, trash: [2], path: '/tmp/x' }] },
      { groups: [{ keep: -1, trash: [2] }] },
    ]) {
      expect(await call('library.duplicates.resolve', params), JSON.stringify(params)).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    }
  });

  it('answers ids that are no library items as failures, moving nothing', async () => {
    const answer = await call('library.duplicates.resolve', { groups: [{ keep: 1, trash: [2, 3] }] });
    expect(answer).toMatchObject({ ok: true, result: { trashed: [], failed: [{ id: 2, path: null }, { id: 3, path: null }] } });
    expect((answer as { result: { failed: { reason: string }[] } }).result.failed[0]!.reason).toContain('not in the library');
  });
});
