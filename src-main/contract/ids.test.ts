import { describe, expect, it } from 'vitest';
import { CONTENT_HASH, contentHashesIn, JobIdSchema, UploadIdSchema } from './ids';

const hash = 'a'.repeat(63) + 'f';

describe('ids', () => {
  it('an upload id is exactly a lower-case sha256, so it can never name a path', () => {
    expect(UploadIdSchema.safeParse(hash).success).toBe(true);
    for (const bad of [hash.toUpperCase(), hash.slice(1), `${hash}0`, `../${hash.slice(3)}`, `${hash.slice(1)}/`]) expect(UploadIdSchema.safeParse(bad).success, bad).toBe(false);
    expect(CONTENT_HASH.test(hash)).toBe(true);
  });

  it('finds every content hash inside a larger text', () => {
    expect(contentHashesIn(`{"reference":"${hash}","region":"${'0'.repeat(64)}"}`)).toEqual([hash, '0'.repeat(64)]);
    expect(contentHashesIn('no hashes here')).toEqual([]);
  });

  it('a job id is a short non-empty string', () => {
    expect(JobIdSchema.safeParse('5f0c6f9e-1b8a-4c8e-9d1e-0a1b2c3d4e5f').success).toBe(true);
    expect(JobIdSchema.safeParse('').success).toBe(false);
    expect(JobIdSchema.safeParse('x'.repeat(65)).success).toBe(false);
  });
});
