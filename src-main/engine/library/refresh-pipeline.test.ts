import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
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

/** The two indexing stages (decode, embed) joined by a bounded queue: back-pressure, and failures that lose nothing. */

const paths = fixturePaths();
const pool = new SessionPool({ providers: ['cpu'], intraOpThreads: 1 });
let clip: ClipModel;
let labels: SceneLabel[];

beforeAll(async () => {
  clip = await ClipModel.load(paths.sceneClip, pool);
  labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8'));
});
afterAll(() => pool.release());

const context = () => ({ signal: new AbortController().signal, throwIfCancelled: () => {}, checkpoint: async () => {}, progress: () => {} }) as unknown as JobContext;

/** The real model with its batch encoder replaced. */
function withEncoder(encode: (tensors: Float32Array[]) => Promise<Float32Array[]>): ClipModel {
  return Object.create(clip, { encodeTensors: { value: encode } }) as ClipModel;
}

async function library(count: number, model: () => ClipModel, decoded: () => void): Promise<Library> {
  const folder = await mkdtemp(join(tmpdir(), 'studio-pipeline-photos-'));
  for (const l of labels.slice(0, count)) await copyFile(join(paths.world, l.file), join(folder, l.file));
  const dataDir = await mkdtemp(join(tmpdir(), 'studio-pipeline-'));
  const lib = new Library({
    db: openDatabase(join(dataDir, 'library.db')),
    thumbDir: join(dataDir, 'thumbs'),
    vectorsDir: join(dataDir, 'vectors'),
    model: () => ({ id: 'scene-clip', load: async () => model() }),
    embedBatch: 2,
    concurrency: 2,
    processImage: (...args) => {
      decoded();
      return processImage(...args);
    },
  });
  lib.addRoot(folder);
  return lib;
}

describe('indexing pipeline', () => {
  it('stops decoding while inference is stuck (the queue holds two batches), then finishes every file', { timeout: 60_000 }, async () => {
    let started = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const stuck = withEncoder(async (tensors) => {
      if (calls++ === 0) await gate;
      return clip.encodeTensors(tensors);
    });
    const lib = await library(12, () => stuck, () => started++);
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
    const lib = await library(10, () => model, () => {});
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
