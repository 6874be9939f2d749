import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from './onnx/graph-builder';
import { SessionPool, sessionOptions } from './session-pool';
import type { Signature } from './signature';

const EMBEDDER: Signature = {
  role: 'test embedder',
  inputs: [
    { name: 'x', type: 'float32', rank: 2 },
    { name: 'mask', type: 'int64', rank: 2, optional: true },
  ],
  outputs: [{ name: 'y', type: 'float32', rank: 2 }],
};

let dir: string;
let good: string;
let wrong: string;

/** A different file (another graph) that also fits the embedder signature. */
function wrongButFitting(): string {
  return join(dir, 'other.onnx');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-pool-'));
  const g = new GraphBuilder('good');
  g.op('Relu', [g.input('x', 'float', ['b', 4])], {}, 'y');
  g.output('y', 'float', ['b', 4]);
  good = join(dir, 'good.onnx');
  await writeFile(good, g.build());
  const o = new GraphBuilder('other');
  o.op('Sigmoid', [o.input('x', 'float', ['b', 4])], {}, 'y');
  o.output('y', 'float', ['b', 4]);
  await writeFile(wrongButFitting(), o.build());

  const w = new GraphBuilder('wrong');
  const x = w.input('x', 'float', ['b', 3, 4]);
  w.input('extra', 'float', [1]);
  w.op('Relu', [x], {}, 'z');
  w.output('z', 'float', ['b', 3, 4]);
  wrong = join(dir, 'wrong.onnx');
  await writeFile(wrong, w.build());
});

describe('SessionPool', () => {
  it('creates a session once, lazily, and releases it', async () => {
    const pool = new SessionPool({ providers: ['cpu'] });
    expect(pool.size).toBe(0);
    const [a, b] = await Promise.all([pool.get(good, EMBEDDER), pool.get(good, EMBEDDER)]);
    expect(a).toBe(b);
    expect(a.provider).toBe('cpu');
    expect(pool.size).toBe(1);
    await pool.release(dir);
    expect(pool.size).toBe(0);
  });

  it('loads a model again after its inference thread stopped (a crash) instead of serving a dead session', async () => {
    const pool = new SessionPool({ providers: ['cpu'] });
    const before = await pool.get(good, EMBEDDER);
    await pool['worker'].terminate();
    expect(pool.size).toBe(0);
    const after = await pool.get(good, EMBEDDER);
    expect(after).not.toBe(before);
    const y = await after.session.run({ x: new ort.Tensor('float32', Float32Array.from([-2, 0, 3, -1]), [1, 4]) });
    expect(Array.from(y.y!.data as Float32Array)).toEqual([0, 0, 3, 0]);
    await pool.release();
  });

  it('asks for its providers only when the first session is made (deciding them loads ONNX Runtime), and once', async () => {
    let asked = 0;
    const pool = new SessionPool({ providers: () => (asked++, ['cuda']) });
    expect(asked).toBe(0);
    const first = await pool.get(good, EMBEDDER);
    expect(asked).toBe(1);
    // No CUDA here: the pool fell back to the CPU it always appends.
    expect(first.provider).toBe('cpu');
    await pool.release(dir);
    await pool.get(good, EMBEDDER);
    expect(asked).toBe(1);
    await pool.release(dir);
  });

  it('shares one session between identical files in different folders (e.g. SD text encoders), and releases by folder', async () => {
    const { copyFile, mkdir } = await import('node:fs/promises');
    for (const folder of ['a', 'b']) {
      await mkdir(join(dir, folder), { recursive: true });
      await copyFile(good, join(dir, folder, 'model.onnx'));
    }
    const pool = new SessionPool({ providers: ['cpu'] });
    const a = await pool.get(join(dir, 'a', 'model.onnx'), EMBEDDER);
    const b = await pool.get(join(dir, 'b', 'model.onnx'), EMBEDDER);
    expect(b.session).toBe(a.session);
    expect(pool.size).toBe(1);
    await pool.get(wrongButFitting(), EMBEDDER);
    expect(pool.size).toBe(2);
    // Releasing either folder releases the shared session; the other file's stays.
    await pool.release(join(dir, 'b'));
    expect(pool.size).toBe(1);
    await pool.release(dir);
    expect(pool.size).toBe(0);
  });

  it('does not share a session between identical graphs whose external weights differ', async () => {
    const { mkdir } = await import('node:fs/promises');
    const { withExternalData } = await import('../../../models/repo-layouts');
    const m = new GraphBuilder('scaled');
    m.op('Mul', [m.input('x', 'float', ['b', 4]), m.tensorF([1, 2, 3, 4], [4])], {}, 'y');
    m.output('y', 'float', ['b', 4]);
    const { graph, data } = withExternalData(m.build(), 'weights.pb');
    for (const [folder, scale] of [['ext-a', 1], ['ext-b', 10]] as const) {
      await mkdir(join(dir, folder), { recursive: true });
      await writeFile(join(dir, folder, 'model.onnx'), graph);
      await writeFile(join(dir, folder, 'weights.pb'), new Uint8Array(new Float32Array(new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)).map((v) => v * scale)).buffer));
    }
    const pool = new SessionPool({ providers: ['cpu'] });
    const a = await pool.get(join(dir, 'ext-a', 'model.onnx'), EMBEDDER);
    const b = await pool.get(join(dir, 'ext-b', 'model.onnx'), EMBEDDER);
    expect(b.session).not.toBe(a.session);
    const ort = await import('onnxruntime-node');
    const x = new ort.Tensor('float32', new Float32Array([1, 1, 1, 1]), [1, 4]);
    expect(Array.from((await a.session.run({ x })).y!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(Array.from((await b.session.run({ x })).y!.data as Float32Array)).toEqual([10, 20, 30, 40]);
    await pool.release();
  });

  it('refuses a model that does not fit its task, listing expected vs. found', async () => {
    const pool = new SessionPool({ providers: ['cpu'] });
    const error = await pool.get(wrong, EMBEDDER).catch((e) => e);
    expect(error.code).toBe('MODEL_MISMATCH');
    expect(error.message).toContain('input x: float32[b, 3, 4] should be x: float32, rank 2');
    expect(error.message).toContain('input extra is not one the studio can feed');
    expect(error.message).toContain('output y is missing');
    expect(error.details.expected.outputs).toEqual(['y: float32, rank 2']);
    expect(error.details.found.outputs).toEqual(['z: float32[b, 3, 4]']);
    expect(pool.size).toBe(0);
  });

  it('says which model file is missing', async () => {
    const pool = new SessionPool({ providers: ['cpu'] });
    await expect(pool.get(join(dir, 'absent.onnx'), EMBEDDER)).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringContaining('absent.onnx') });
  });

  it('refuses a corrupt file with a clear error', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    await writeFile(corrupt, 'definitely not protobuf');
    const pool = new SessionPool({ providers: ['cpu'] });
    await expect(pool.get(corrupt, EMBEDDER)).rejects.toMatchObject({ code: 'MODEL_MISMATCH', message: expect.stringContaining('could not load') });
  });

  it('falls back to CPU when the preferred provider cannot run here, saying why', async () => {
    const pool = new SessionPool({ providers: ['cuda'] });
    const pooled = await pool.get(good, EMBEDDER);
    expect(pooled.provider).toBe('cpu');
    expect(pooled.fallbackReason).toMatch(/^CUDA could not load/);
    expect(pool.fallbacks).toEqual([pooled.fallbackReason]);
    await pool.release();
  });
});

describe('sessionOptions', () => {
  it('turns spin-waiting off in the config keys ONNX Runtime reads, and ONNX Runtime accepts them', async () => {
    const quiet = sessionOptions('cpu', 2, false);
    expect(quiet.extra).toEqual({ session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } });
    expect(sessionOptions('cpu', 2, true).extra).toEqual({ session: { intra_op: { allow_spinning: '1' }, inter_op: { allow_spinning: '1' } } });
    // The Node binding rejects a malformed `extra` (non-string values), so a session that runs proves the shape is right.
    const session = await ort.InferenceSession.create(good, quiet);
    const x = new ort.Tensor('float32', new Float32Array([-1, 2, -3, 4]), [1, 4]);
    expect(Array.from((await session.run({ x })).y!.data as Float32Array)).toEqual([0, 2, 0, 4]);
    await session.release();
    await expect(ort.InferenceSession.create(good, { ...quiet, extra: { session: { intra_op: { allow_spinning: 0 } } } })).rejects.toThrow(/must be a string/);
  });
});
