import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceWorker } from './inference-worker';
import { GraphBuilder } from './onnx/graph-builder';

let file: string;
/** A model that takes real time to run (a chain of 1024×1024 matrix products). */
let slow: string;
const worker = new InferenceWorker();

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'studio-worker-'));
  // y = relu(x); n = x's length as int64 (shape of an int64 input, to cross the thread with BigInt64Array too).
  const g = new GraphBuilder('relu');
  g.op('Relu', [g.input('x', 'float', ['b', 4])], {}, 'y');
  g.output('y', 'float', ['b', 4]);
  file = join(dir, 'relu.onnx');
  await writeFile(file, g.build());
  const h = new GraphBuilder('slow');
  const weights = h.tensorF(Float32Array.from({ length: 1024 * 1024 }, (_, i) => ((i * 7919) % 13) / 1300), [1024, 1024]);
  let state = h.input('x', 'float', [256, 1024]);
  for (let i = 0; i < 24; i++) state = h.op('MatMul', [state, weights]);
  h.op('Identity', [state], {}, 'y');
  h.output('y', 'float', [256, 1024]);
  slow = join(dir, 'slow.onnx');
  await writeFile(slow, h.build());
});
afterAll(() => worker.terminate());

describe('InferenceWorker', () => {
  it('runs a model on its own thread: the engine’s loop turns while it runs, and tensors come back intact', async () => {
    const session = await worker.create(file, { executionProviders: ['cpu'] });
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    expect(session.inputMetadata[0]).toMatchObject({ name: 'x', isTensor: true });
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 2, -3, 4, 5, -6, 7, -8]), [2, 4]) });
    expect(out.y!.dims).toEqual([2, 4]);
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 2, 0, 4, 5, 0, 7, 0]);
    expect(out.y).toBeInstanceOf(ort.Tensor);
    await session.release();
    await expect(session.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4]) })).rejects.toThrow(/released/);
  });

  it('leaves the engine’s loop free while a model runs (in-process, run blocks until the model is done)', async () => {
    const session = await worker.create(slow, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    await session.run({ x: new ort.Tensor('float32', new Float32Array(256 * 1024).fill(0.01), [256, 1024]) });
    clearInterval(ticker);
    // 24 products of 256×1024 by 1024×1024 (13 GFLOP) take well over the few milliseconds these turns need.
    expect(turns).toBeGreaterThanOrEqual(3);
    await session.release();
  });

  it('reports ONNX Runtime’s own errors (a wrong input shape, a file that is not a model) as errors', async () => {
    const session = await worker.create(file, { executionProviders: ['cpu'] });
    await expect(session.run({ x: new ort.Tensor('float32', new Float32Array(3), [1, 3]) })).rejects.toThrow(/dimension|shape|Got invalid/i);
    await expect(worker.create(Uint8Array.from([1, 2, 3]), { executionProviders: ['cpu'] })).rejects.toThrow();
  });

  it('fails what is in flight when the thread stops, and starts a new thread for the next request', async () => {
    const own = new InferenceWorker();
    const session = await own.create(file, { executionProviders: ['cpu'] });
    const running = session.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4]) });
    await own.terminate();
    await expect(running).rejects.toThrow(/inference thread stopped/);
    await expect(session.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4]) })).rejects.toThrow(/inference thread stopped/);
    const again = await own.create(file, { executionProviders: ['cpu'] });
    const out = await again.run({ x: new ort.Tensor('float32', Float32Array.from([1, -1, 1, -1]), [1, 4]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([1, 0, 1, 0]);
    await own.terminate();
  });
});

/** Nice values of this process's threads (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe.runIf(process.platform === 'linux')('inference thread priority', () => {
  it('runs ONNX Runtime on threads below the engine’s priority, leaving the engine’s own thread as it was', async () => {
    const own = new InferenceWorker(() => {}, 7);
    const mine = readFileSync('/proc/thread-self/stat', 'utf8');
    const niceBefore = Number(mine.slice(mine.lastIndexOf(')') + 2).split(' ')[16]);
    const session = await own.create(file, { executionProviders: ['cpu'], intraOpNumThreads: 2 });
    await session.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4]) });
    const nices = threadNices();
    expect(nices.filter((n) => n === niceBefore + 7).length).toBeGreaterThanOrEqual(1);
    const after = readFileSync('/proc/thread-self/stat', 'utf8');
    expect(Number(after.slice(after.lastIndexOf(')') + 2).split(' ')[16])).toBe(niceBefore);
    await own.terminate();
  });
});
