import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../jobs/runner';
import { diskCheck } from './disk-check';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'studio-disk-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('diskCheck', () => {
  it('writes, verifies and removes its file, reporting speeds', async () => {
    const runner = new JobRunner({ progressIntervalMs: 0 });
    const progress: number[] = [];
    runner.onUpdate((j) => j.state === 'running' && progress.push(j.progress.done));
    const job = runner.submit({ kind: 'diagnostics.disk-check', label: 'Check', unit: 'MB' }, (ctx) => diskCheck(dataDir, 9, ctx));
    const final = await runner.settled(job.id);
    expect(final.state).toBe('done');
    expect(final.result).toMatchObject({ megabytes: 9, verified: true });
    expect((final.result as { writeMBps: number }).writeMBps).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(18);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
  });

  it('refuses with INSUFFICIENT_SPACE rather than filling the disk', async () => {
    const runner = new JobRunner();
    const job = runner.submit({ kind: 'diagnostics.disk-check', label: 'Huge' }, (ctx) => diskCheck(dataDir, 1024 * 1024 * 1024, ctx));
    const final = await runner.settled(job.id);
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('INSUFFICIENT_SPACE');
    expect(final.error?.message).toMatch(/Not enough free space/);
  });

  it('stops on cancel and leaves no temp file behind', async () => {
    const runner = new JobRunner({ progressIntervalMs: 0 });
    let job = runner.submit({ kind: 'diagnostics.disk-check', label: 'Cancel me', unit: 'MB' }, (ctx) => diskCheck(dataDir, 400, ctx));
    runner.onUpdate((j) => {
      if (j.id === job.id && j.progress.done >= 8 && !j.cancelRequested && j.state === 'running') runner.cancel(j.id);
    });
    const final = await runner.settled(job.id);
    expect(final.state).toBe('cancelled');
    expect(final.progress.done).toBeLessThan(400);
    expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
  });
});
