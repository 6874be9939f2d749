import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceWorker } from './inference-worker';
import { GraphBuilder } from './onnx/graph-builder';

let file: string;
const worker = new InferenceWorker();

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'studio-worker-'));
  // y = relu(x); n = x's length as int64 (shape of an int64 input, to cross the thread with BigInt64Array too).
  const g = new GraphBuilder('relu');
  g.op('Relu', [g.input('x', 'float', ['b', 4])], {}, 'y');
  g.output('y', 'float', ['b', 4]);
  file = join(dir, 'relu.onnx');
  await writeFile(file, g.build());
});
afterAll(() => worker.terminate());

describe('InferenceWorker', () => {
  it('runs a model on its own thread: the engine’s loop turns while it runs, and tensors come back intact', async () => {
    const session = await worker.create(file, { executionProviders: ['cpu'] });
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    expect(session.inputMetadata[0]).toMatchObject({ name: 'x', isTensor: true });
    let turned = false;
    setImmediate(() => (turned = true));
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 2, -3, 4, 5, -6, 7, -8]), [2, 4]) });
    // In-process, ONNX Runtime's run blocks the thread and its promise settles before the loop turns.
    expect(turned).toBe(true);
    expect(out.y!.dims).toEqual([2, 4]);
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 2, 0, 4, 5, 0, 7, 0]);
    expect(out.y).toBeInstanceOf(ort.Tensor);
    await session.release();
    await expect(session.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4]) })).rejects.toThrow(/released/);
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
