import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Uploads } from './uploads';

describe('Uploads', () => {
  it('stores by content hash and finds the file again', async () => {
    const uploads = new Uploads(join(await mkdtemp(join(tmpdir(), 'studio-up-')), 'uploads'));
    const id = await uploads.put(new TextEncoder().encode('pixels'));
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(await uploads.put(new TextEncoder().encode('pixels'))).toBe(id);
    expect(uploads.path(id)).toMatch(new RegExp(`${id}$`));
  });

  it('refuses empty files, ids that are not hashes (no path tricks), and unknown ids', async () => {
    const uploads = new Uploads(await mkdtemp(join(tmpdir(), 'studio-up-')));
    await expect(uploads.put(new Uint8Array())).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    expect(() => uploads.path('../../etc/passwd')).toThrowError(expect.objectContaining({ code: 'INVALID_PARAMS' }));
    expect(() => uploads.path('a'.repeat(64))).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
