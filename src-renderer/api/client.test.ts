import { describe, expect, it } from 'vitest';
import type { EventFrame, Job, RequestFrame, ResponseFrame } from '@contract';
import { StudioClient } from './client';
import type { Transport } from './transport';

function fakeTransport(answer: (frame: RequestFrame) => ResponseFrame) {
  const listeners = new Set<(e: EventFrame) => void>();
  const transport: Transport = {
    request: async (frame) => answer(frame),
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onStatus: () => () => {},
    status: 'open',
    upload: async () => 'id',
  };
  return { transport, emit: (e: EventFrame) => listeners.forEach((l) => l(e)) };
}

const job: Job = {
  id: 'j',
  kind: 'models.download',
  label: 'L',
  state: 'running',
  cancelRequested: false,
  pausable: false,
  progress: { done: 1, total: 2, unit: 'MB', rate: null, etaSeconds: null },
  createdAt: 1,
  startedAt: 1,
  finishedAt: null,
  error: null,
  result: null,
};

describe('StudioClient', () => {
  it('returns results and throws errors as AppErrors with their code', async () => {
    const { transport } = fakeTransport((f) =>
      f.method === 'jobs.list' ? { id: f.id, ok: true, result: [job] } : { id: f.id, ok: false, error: { code: 'NOT_FOUND', message: 'gone' } },
    );
    const client = new StudioClient(transport);
    expect(await client.call('jobs.list', {})).toEqual([job]);
    await expect(client.call('jobs.cancel', { id: 'x' })).rejects.toMatchObject({ name: 'AppError', code: 'NOT_FOUND', message: 'gone' });
  });

  it('uses a fresh id per call', async () => {
    const ids: unknown[] = [];
    const { transport } = fakeTransport((f) => (ids.push(f.id), { id: f.id, ok: true, result: [] }));
    const client = new StudioClient(transport);
    await client.call('jobs.list', {});
    await client.call('jobs.list', {});
    expect(new Set(ids).size).toBe(2);
  });

  it('delivers only valid payloads of the subscribed topic', () => {
    const { transport, emit } = fakeTransport(() => ({ id: 0, ok: true, result: null }));
    const seen: Job[] = [];
    new StudioClient(transport).on('job.progress', (j) => seen.push(j));
    emit({ topic: 'job.progress', payload: job });
    emit({ topic: 'job.progress', payload: { broken: true } });
    emit({ topic: 'other', payload: job });
    expect(seen).toEqual([job]);
  });
});
