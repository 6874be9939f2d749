import { describe, expect, it, vi } from 'vitest';
import { AppError, type AppInfo } from '@contract';
import { callDirect, createDispatcher, type Handlers } from './dispatcher';
import { unusedHandlers } from './unused-handlers';

const info: AppInfo = {
  name: 'Compose Studio',
  version: '0.0.0',
  host: 'server',
  platform: { os: 'linux', arch: 'x64', release: '6', cpus: 2 },
  runtime: { node: '20', electron: null },
  dataDir: '/tmp/x',
  modelsDir: '/tmp/x/models',
  engine: { status: 'ready', problems: [] },
  inference: { onnxRuntimeVersion: '1.30.0', providers: [{ name: 'cpu', available: true, note: null }], selected: 'cpu', reason: 'x', fallbacks: [], openSessions: 0 },
  memory: { rss: 1, heapUsed: 1 },
};

function handlers(over: Partial<Handlers> = {}): Handlers {
  return unusedHandlers({
    'app.info': () => info,
    'jobs.list': () => [],
    'jobs.cancel': ({ id }) => {
      throw new AppError('NOT_FOUND', `No job with id ${id}.`, { id });
    },
    'diagnostics.diskCheck': () => {
      throw new Error('disk exploded at /secret/path');
    },
    ...over,
  });
}

const ctx = { transport: 'direct' } as const;

describe('dispatcher', () => {
  it('answers a valid call with its typed result', async () => {
    const dispatch = createDispatcher(handlers());
    expect(await dispatch({ id: 1, method: 'app.info', params: {} }, ctx)).toEqual({ id: 1, ok: true, result: info });
    expect(await callDirect(dispatch, 'jobs.list', {})).toEqual([]);
  });

  it('treats missing params as empty', async () => {
    const dispatch = createDispatcher(handlers());
    expect(await dispatch({ id: 'a', method: 'jobs.list' }, ctx)).toEqual({ id: 'a', ok: true, result: [] });
  });

  it('rejects an unknown method by name', async () => {
    const res = await createDispatcher(handlers())({ id: 2, method: 'app.selfDestruct', params: {} }, ctx);
    expect(res).toMatchObject({ id: 2, ok: false, error: { code: 'UNKNOWN_METHOD', details: { method: 'app.selfDestruct' } } });
  });

  it('does not treat Object.prototype keys as methods', async () => {
    const res = await createDispatcher(handlers())({ id: 2, method: 'constructor', params: {} }, ctx);
    expect(res).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('rejects bad params with the issues, without calling the handler', async () => {
    const spy = vi.fn(() => {
      throw new Error('must not run');
    });
    const dispatch = createDispatcher(handlers({ 'diagnostics.diskCheck': spy }));
    for (const params of [{ megabytes: -5 }, { megabytes: 'lots' }, { megabytes: 10, extra: true }, 'nope']) {
      const res = await dispatch({ id: 3, method: 'diagnostics.diskCheck', params }, ctx);
      expect(res).toMatchObject({ id: 3, ok: false, error: { code: 'INVALID_PARAMS' } });
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('rejects malformed frames, echoing the id when it is readable', async () => {
    const dispatch = createDispatcher(handlers());
    expect(await dispatch('hello', ctx)).toMatchObject({ id: null, ok: false, error: { code: 'BAD_FRAME' } });
    expect(await dispatch(null, ctx)).toMatchObject({ id: null, ok: false, error: { code: 'BAD_FRAME' } });
    expect(await dispatch({ id: 7 }, ctx)).toMatchObject({ id: 7, ok: false, error: { code: 'BAD_FRAME' } });
    expect(await dispatch({ id: { evil: 1 }, method: 'app.info' }, ctx)).toMatchObject({ id: null, error: { code: 'BAD_FRAME' } });
  });

  it('passes AppErrors through as values with their code and details', async () => {
    const res = await createDispatcher(handlers())({ id: 4, method: 'jobs.cancel', params: { id: 'zzz' } }, ctx);
    expect(res).toEqual({ id: 4, ok: false, error: { code: 'NOT_FOUND', message: 'No job with id zzz.', details: { id: 'zzz' } } });
    await expect(callDirect(createDispatcher(handlers()), 'jobs.cancel', { id: 'zzz' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('survives an engine exception, hiding its internals from the client', async () => {
    const onInternalError = vi.fn();
    const dispatch = createDispatcher(handlers(), { onInternalError });
    const res = await dispatch({ id: 5, method: 'diagnostics.diskCheck', params: { megabytes: 1 } }, ctx);
    expect(res).toMatchObject({ id: 5, ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(res)).not.toContain('/secret/path');
    expect(onInternalError).toHaveBeenCalledWith(expect.any(Error), 'diagnostics.diskCheck');
    // The dispatcher still works afterwards.
    expect(await dispatch({ id: 6, method: 'jobs.list' }, ctx)).toMatchObject({ ok: true });
  });

  it('refuses a handler result that breaks the contract', async () => {
    const dispatch = createDispatcher(handlers({ 'jobs.list': () => [{ nonsense: true }] as never }));
    expect(await dispatch({ id: 8, method: 'jobs.list' }, ctx)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
