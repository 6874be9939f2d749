import { describe, expect, it } from 'vitest';
import type { JobOf } from '@contract';
import { renderProgressLine } from './progress-bar';

const job = (progress: Partial<Omit<JobOf<'library.refresh'>['progress'], 'unit'>>): JobOf<'library.refresh'> => ({
  id: '1',
  kind: 'library.refresh',
  label: 'Indexing',
  state: 'running',
  cancelRequested: false,
  pausable: false,
  progress: { done: 0, total: null, unit: 'images', rate: null, etaSeconds: null, ...progress },
  createdAt: 0,
  startedAt: 0,
  finishedAt: null,
  error: null,
  result: null,
});

describe('progress bar', () => {
  it('draws the bar, the counts, the rate and the ETA', () => {
    const line = renderProgressLine(job({ done: 50, total: 200, rate: 12.5, etaSeconds: 12 }), 8);
    expect(line).toBe('Indexing [##------] 25%  50/200 images · 12.5 images/s · ETA 00:12');
  });

  it('says it is working when the total is unknown', () => {
    expect(renderProgressLine(job({ done: 3 }))).toBe('Indexing [working…] 3 images · ETA --:--');
  });
});
