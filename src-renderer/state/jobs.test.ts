import { describe, expect, it } from 'vitest';
import type { Job } from '@contract';
import { JobsState } from './jobs.svelte';

const job = (id: string, state: Job['state'], createdAt: number, done = 0): Job => ({
  id,
  kind: 'models.download',
  label: id,
  state,
  cancelRequested: false,
  pausable: false,
  progress: { done, total: 10, unit: 'MB', rate: null, etaSeconds: null },
  createdAt,
  startedAt: null,
  finishedAt: null,
  error: null,
  result: null,
});

describe('JobsState', () => {
  it('keeps jobs newest first and updates them in place', () => {
    const jobs = new JobsState();
    jobs.apply(job('a', 'running', 1));
    jobs.apply(job('b', 'queued', 2));
    jobs.apply(job('a', 'running', 1, 5));
    expect(jobs.jobs.map((j) => j.id)).toEqual(['b', 'a']);
    expect(jobs.jobs[1]!.progress.done).toBe(5);
    expect(jobs.active.map((j) => j.id)).toEqual(['b', 'a']);
  });

  it('does not let a late progress event revive a finished job', () => {
    const jobs = new JobsState();
    jobs.apply(job('a', 'cancelled', 1, 3));
    jobs.apply(job('a', 'running', 1, 2));
    expect(jobs.jobs[0]!.state).toBe('cancelled');
    expect(jobs.active).toEqual([]);
  });
});
