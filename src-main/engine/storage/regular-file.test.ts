import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRegularFile, withDeadline } from './regular-file';

describe('readRegularFile', () => {
  it('reads a regular file, and refuses a FIFO without a writer and a link to /dev/zero without blocking', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-read-'));
    writeFileSync(join(dir, 'a.jpg'), 'bytes');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    symlinkSync(join(dir, 'fifo'), join(dir, 'pipe.jpg'));
    symlinkSync('/dev/zero', join(dir, 'zero.png'));
    expect((await readRegularFile(join(dir, 'a.jpg'))).toString()).toBe('bytes');
    await expect(readRegularFile(join(dir, 'pipe.jpg'))).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(/FIFO/) });
    await expect(readRegularFile(join(dir, 'zero.png'))).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(/device/) });
    await expect(readRegularFile(join(dir, 'a.jpg'), { maxBytes: 2 })).rejects.toMatchObject({ code: 'BAD_IMAGE' });
  });

  it('gives up on a stuck read when cancelled, and on its own after the timeout (a transient failure)', async () => {
    const stuck = new Promise<Buffer>(() => {});
    const controller = new AbortController();
    const waiting = withDeadline(stuck, '/mnt/share/a.jpg', { signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await expect(withDeadline(stuck, '/mnt/share/a.jpg', { timeoutMs: 10 })).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { errno: 'ETIMEDOUT' } });
  });
});
