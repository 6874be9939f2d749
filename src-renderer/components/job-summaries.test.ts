import { describe, expect, it } from 'vitest';
import { JOB_KINDS, type JobOf } from '@contract';
import { jobSummaries, jobSummary } from './job-summaries';

const job = (state: 'running' | 'done', result: JobOf<'library.near-duplicates'>['result']): JobOf<'library.near-duplicates'> => ({
  id: 'j', kind: 'library.near-duplicates', label: 'Finding near-duplicates', state, cancelRequested: false, pausable: true,
  progress: { done: 1, total: 1, unit: 'photos', rate: null, etaSeconds: null },
  createdAt: 0, startedAt: 0, finishedAt: 1000, error: null, result,
});

describe('job summaries in the tray', () => {
  it('covers every job kind', () => {
    expect(Object.keys(jobSummaries).sort()).toEqual([...JOB_KINDS].sort());
  });

  it('summarizes a done job by its kind and says nothing while it runs', () => {
    expect(jobSummary(job('running', null))).toBeNull();
    expect(jobSummary(job('done', []))).toBe('No near-duplicates');
    expect(jobSummary(job('done', [[], []]))).toBe('2 groups of near-duplicates');
  });
});
