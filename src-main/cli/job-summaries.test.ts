import { describe, expect, it } from 'vitest';
import { JOB_KINDS } from '@contract';
import { jobSummaries, summarizeResult } from './job-summaries';

describe('CLI job summaries', () => {
  it('has one summary per job kind', () => {
    expect(Object.keys(jobSummaries).sort()).toEqual([...JOB_KINDS].sort());
  });

  it('prints a refresh with its counts and every problem on its own line', () => {
    const text = summarizeResult('library.refresh', {
      added: 2, changed: 0, removed: 1, moved: 0, indexed: 2, failed: 1, embedded: 2,
      problems: [{ path: '/photos/broken.jpg', message: 'not an image' }],
    });
    expect(text).toBe('Indexed 2 new or changed, 0 moved, 1 removed, 1 failed; 2 embedded.\n  ! /photos/broken.jpg: not an image');
  });

  it('says a model was already installed when nothing was downloaded', () => {
    expect(summarizeResult('models.download', { files: 0, bytes: 0, variant: 'int8' })).toBe('Already installed (int8).');
    expect(summarizeResult('models.download', { files: 2, bytes: 3_000_000, variant: 'fp16' })).toBe('2 files (3.0 MB, fp16) downloaded and verified.');
  });
});
