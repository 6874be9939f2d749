import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEngine } from '../engine/app-services';
import { callDirect, createDispatcher } from './dispatcher';
import { serviceHandlers } from './handlers';

const temp = () => mkdtemp(join(tmpdir(), 'studio-handlers-'));

describe('service handlers', () => {
  it('answer through the dispatcher with what the services return (adding and removing a folder, saved queries, tokens, a missing model)', async () => {
    const services = await startEngine({ dataDir: await temp(), host: 'cli', environment: { forcedProvider: 'cpu' } });
    const dispatch = createDispatcher(serviceHandlers(services));
    const photos = await temp();
    const { root, job } = await callDirect(dispatch, 'library.roots.add', { path: photos });
    expect((await services.jobs.settled(job.id)).state).toBe('done');
    expect(await callDirect(dispatch, 'library.roots.remove', { id: root.id })).toEqual({ removed: true });
    expect(await callDirect(dispatch, 'search.saved.list', {})).toEqual([]);
    expect((await callDirect(dispatch, 'text.tokens', { text: 'a red circle' })).model).toBe('clip-vit-b32');
    await expect(callDirect(dispatch, 'concepts.gairAuto', { text: 'a photo of *nobody' })).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    await services.close();
  });
});
