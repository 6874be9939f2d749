import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, symlinkSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import type { SceneLabel } from '../../../models/scene-world/generate-world';
import { ClipModel } from '../clip/clip-model';
import type { JobContext } from '../jobs/runner';
import { SessionPool } from '../models/session-pool';
import { openDatabase } from '../storage/db';
import { processImage } from './file-processor';
import { Library } from './library';

/** Files that are not photos but are named like them, folders added mid-refresh, and failures that go away. */

const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
let clip: ClipModel;
let labels: SceneLabel[];

beforeAll(async () => {
  clip = await ClipModel.load(paths.sceneClip, pool);
  labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8'));
});
afterAll(() => pool.release());

async function photoFolder(count: number): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'studio-photos-'));
  for (const l of labels.slice(0, count)) await copyFile(join(paths.world, l.file), join(folder, l.file));
  return folder;
}

async function newLibrary(extra: Partial<ConstructorParameters<typeof Library>[0]> = {}): Promise<Library> {
  const dataDir = await mkdtemp(join(tmpdir(), 'studio-lib-'));
  return new Library({
    db: openDatabase(join(dataDir, 'library.db')),
    thumbDir: join(dataDir, 'thumbs'),
    vectorsDir: join(dataDir, 'vectors'),
    model: () => ({ id: 'scene-clip', load: async () => clip }),
    ...extra,
  });
}

function context(hooks: Partial<JobContext> = {}): JobContext {
  return { signal: new AbortController().signal, throwIfCancelled: () => {}, checkpoint: async () => {}, progress: () => {}, ...hooks } as JobContext;
}

describe('Library faults', () => {
  it('skips a FIFO and a link to /dev/zero named like photos, and indexes the rest', { timeout: 30_000 }, async () => {
    const folder = await photoFolder(3);
    execFileSync('mkfifo', [join(folder, '.f')]);
    symlinkSync(join(folder, '.f'), join(folder, 'pipe.jpg'));
    symlinkSync('/dev/zero', join(folder, 'zero.png'));
    const lib = await newLibrary();
    lib.addRoot(folder);
    const summary = await lib.refresh(context());
    expect(summary).toMatchObject({ indexed: 3, failed: 0 });
    expect(summary.problems.map((p) => p.path).sort()).toEqual([join(folder, 'pipe.jpg'), join(folder, 'zero.png')]);
    expect(summary.problems[0]!.message).toMatch(/not a regular file/i);
    await lib.close();
  });

  it('checks on the opened file: a photo swapped for a FIFO after the scan fails without blocking', { timeout: 30_000 }, async () => {
    const folder = await photoFolder(3);
    const lib = await newLibrary();
    lib.addRoot(folder);
    let swapped = false;
    const summary = await lib.refresh(
      context({
        // The first progress report comes after the scan listed every file as a regular one.
        progress: () => {
          if (swapped) return;
          swapped = true;
          rmSync(join(folder, labels[2]!.file));
          execFileSync('mkfifo', [join(folder, labels[2]!.file)]);
        },
      }),
    );
    expect(summary).toMatchObject({ indexed: 2, failed: 1 });
    expect(lib.status(true).failed).toEqual([{ path: join(folder, labels[2]!.file), reason: expect.stringMatching(/FIFO/) }]);
    await lib.close();
  });

  it('scans a folder added while a refresh is already running', async () => {
    const first = await photoFolder(2);
    const second = await photoFolder(3);
    const lib = await newLibrary();
    lib.addRoot(first);
    let added = false;
    const summary = await lib.refresh(
      context({
        checkpoint: async () => {
          if (added) return;
          added = true;
          lib.addRoot(second);
        },
      }),
    );
    expect(summary.indexed).toBe(5);
    expect(lib.listRoots().map((r) => r.indexed).sort()).toEqual([2, 3]);
    await lib.close();
  });

  it('keeps a failure caused by a full disk as “will retry” and retries it on the next refresh', async () => {
    const folder = await photoFolder(3);
    let diskFull = true;
    const lib = await newLibrary({
      processImage: async (path, ...rest) => {
        if (diskFull && path.endsWith(labels[1]!.file)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
        return processImage(path, ...rest);
      },
    });
    lib.addRoot(folder);
    expect(await lib.refresh(context())).toMatchObject({ indexed: 2, failed: 1 });
    expect(lib.status(true).failed).toEqual([{ path: join(folder, labels[1]!.file), reason: expect.stringMatching(/disk is full.*Will retry/), willRetry: true }]);
    diskFull = false;
    expect(await lib.refresh(context())).toMatchObject({ indexed: 1, failed: 0 });
    expect(lib.status(true)).toMatchObject({ indexed: 3, failed: [] });
    await lib.close();
  });

  it('does not retry a bad file', async () => {
    const folder = await photoFolder(1);
    await copyFile(join(paths.world, labels[0]!.file), join(folder, 'cut.png'));
    const bytes = await readFile(join(folder, 'cut.png'));
    await writeFile(join(folder, 'cut.png'), bytes.subarray(0, 100));
    const lib = await newLibrary();
    lib.addRoot(folder);
    expect(await lib.refresh(context())).toMatchObject({ indexed: 1, failed: 1 });
    expect(lib.status(true).failed[0]!.willRetry).toBeUndefined();
    expect(await lib.refresh(context())).toMatchObject({ indexed: 0, failed: 0 });
    await lib.close();
  });

  // Root ignores file permissions: this runs for ordinary users (CI); the fault suite runs it as an unprivileged user.
  it.skipIf(process.getuid?.() === 0)('reports an unreadable photo as permission denied, and retries it once readable', async () => {
    const folder = await photoFolder(2);
    const file = join(folder, labels[0]!.file);
    chmodSync(file, 0o000);
    const lib = await newLibrary();
    lib.addRoot(folder);
    await lib.refresh(context());
    expect(lib.status(true).failed).toEqual([{ path: file, reason: expect.stringMatching(/Permission denied/), willRetry: true }]);
    chmodSync(file, 0o644);
    await lib.refresh(context());
    expect(lib.status(true)).toMatchObject({ indexed: 2, failed: [] });
    await lib.close();
  });

  it('removing a folder deletes its thumbnails, but not one shared with a photo in another folder', async () => {
    const first = await photoFolder(3);
    const second = await mkdtemp(join(tmpdir(), 'studio-photos-'));
    await copyFile(join(paths.world, labels[0]!.file), join(second, 'same.png'));
    const dataDir = await mkdtemp(join(tmpdir(), 'studio-lib-'));
    const lib = await newLibrary({ thumbDir: join(dataDir, 'thumbs') });
    const root = lib.addRoot(first);
    lib.addRoot(second);
    await lib.refresh(context());
    const thumbs = (await readdir(join(dataDir, 'thumbs'), { recursive: true })).filter((f) => f.endsWith('.webp'));
    expect(thumbs).toHaveLength(3);
    lib.removeRoot(root.id);
    const left = (await readdir(join(dataDir, 'thumbs'), { recursive: true })).filter((f) => f.endsWith('.webp'));
    const remaining = (await lib.search({ limit: 5 }, null)).items;
    expect(remaining).toHaveLength(1);
    expect(left).toEqual([remaining[0]!.thumb]);
    await lib.close();
  });
});

/** The real model with its batch encoder replaced. */
function withEncoder(encode: (tensors: Float32Array[]) => Promise<Float32Array[]>): ClipModel {
  return Object.create(clip, { encodeTensors: { value: encode } }) as ClipModel;
}

async function pipelineLibrary(count: number, model: () => ClipModel, decoded: () => void): Promise<Library> {
  const lib = await newLibrary({
    model: () => ({ id: 'scene-clip', load: async () => model() }),
    embedBatch: 2,
    concurrency: 2,
    processImage: (...args) => {
      decoded();
      return processImage(...args);
    },
  });
  lib.addRoot(await photoFolder(count));
  return lib;
}

describe('indexing pipeline: decode and embed joined by a bounded queue', () => {
  it('stops decoding while inference is stuck (the queue holds two batches), then finishes every file', { timeout: 60_000 }, async () => {
    let started = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const stuck = withEncoder(async (tensors) => {
      if (calls++ === 0) await gate;
      return clip.encodeTensors(tensors);
    });
    const lib = await pipelineLibrary(12, () => stuck, () => started++);
    const refreshing = lib.refresh(context());
    // Decoding goes on while the encoder is stuck (the stages overlap) — as far as the queue allows and no further.
    for (let i = 0; i < 1000 && started < 6; i++) await new Promise((r) => setTimeout(r, 10));
    expect(started).toBeGreaterThanOrEqual(6);
    await new Promise((r) => setTimeout(r, 500));
    // One batch in the stuck encoder (2) + the queue (4) + one file waiting in each decode lane (2).
    expect(started).toBeLessThanOrEqual(8);
    release();
    const summary = await refreshing;
    expect(summary).toMatchObject({ indexed: 12, embedded: 12, failed: 0 });
    expect(lib.status(true)).toMatchObject({ embedded: 12, pendingEmbeddings: 0 });
  });

  it('fails the refresh with the encoder’s error, keeps what was done, and the next refresh embeds the rest', { timeout: 60_000 }, async () => {
    let calls = 0;
    let model = withEncoder(async (tensors) => {
      if (++calls === 2) throw new Error('the encoder ran out of memory');
      return clip.encodeTensors(tensors);
    });
    const lib = await pipelineLibrary(10, () => model, () => {});
    await expect(lib.refresh(context())).rejects.toThrow(/ran out of memory/);
    const after = lib.status(true);
    expect(after.embedded).toBeGreaterThanOrEqual(2);
    expect(after.embedded).toBeLessThan(10);
    model = clip;
    const summary = await lib.refresh(context());
    expect(summary.failed).toBe(0);
    expect(lib.status(true)).toMatchObject({ embedded: 10, pendingEmbeddings: 0 });
  });
});
