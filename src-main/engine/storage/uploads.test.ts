import { mkdtemp, readdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES, tooLargeMessage, UPLOAD_MAX_AGE_MS, Uploads } from './uploads';

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

  it('stores the same file dropped ten times at once, and says sizes in MiB', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'studio-up-')), 'uploads');
    const uploads = new Uploads(dir);
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
    const ids = await Promise.all(Array.from({ length: 10 }, () => uploads.put(bytes)));
    expect(new Set(ids).size).toBe(1);
    expect(await readdir(dir)).toEqual([ids[0]]);
    await expect(uploads.put(new Uint8Array(MAX_UPLOAD_BYTES + 1))).rejects.toThrow(/64\.0 MiB; the limit is 64 MiB/);
    expect(tooLargeMessage(MAX_UPLOAD_BYTES)).toBe('The file is larger than 64 MiB.');
  });

  it('sweeps uploads unused for a month, keeping those still named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-up-'));
    const uploads = new Uploads(dir);
    const [old, kept, fresh] = await Promise.all(['a', 'b', 'c'].map((s) => uploads.put(new TextEncoder().encode(s))));
    const past = new Date(Date.now() - UPLOAD_MAX_AGE_MS - 60_000);
    for (const id of [old!, kept!]) await utimes(join(dir, id), past, past);
    expect(await uploads.sweep(new Set([kept!]))).toBe(1);
    expect((await readdir(dir)).sort()).toEqual([kept!, fresh!].sort());
  });
});
