import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from './graph-builder';

describe('GraphBuilder', () => {
  it('builds a graph ONNX Runtime runs with the expected result', async () => {
    const g = new GraphBuilder('affine');
    const x = g.input('x', 'float', ['batch', 2]);
    const w = g.tensorF([1, 2, 3, 4], [2, 2]);
    const y = g.op('Add', [g.op('MatMul', [x, w]), g.constF([10, 20])]);
    const s = g.op('ReduceSum', [y, g.tensorI64([1])], { keepdims: 0 }, 'sum');
    g.output('sum', 'float', ['batch']);
    void s;
    const session = await ort.InferenceSession.create(g.build());
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 2, 0]), [2, 2]) });
    // [1,1]·W = [4,6] + [10,20] → 40; [2,0]·W = [2,4] + [10,20] → 36
    expect(Array.from(out.sum!.data as Float32Array)).toEqual([40, 36]);
  });

  it('rejects a constant whose values do not fill its shape', () => {
    expect(() => new GraphBuilder('bad').tensorF([1, 2, 3], [2, 2], 'w')).toThrow(/3 values do not fill 2×2/);
  });

  it('writes int and float attributes correctly', async () => {
    const g = new GraphBuilder('attrs');
    const x = g.input('x', 'float', [1, 1, 4, 4]);
    g.op('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] }, 'pooled');
    g.op('LeakyRelu', [g.op('Neg', [x])], { alpha: { float: 0.5 } }, 'leaky');
    g.output('pooled', 'float', [1, 1, 2, 2]);
    g.output('leaky', 'float', [1, 1, 4, 4]);
    const session = await ort.InferenceSession.create(g.build());
    const data = Float32Array.from({ length: 16 }, (_, i) => i);
    const out = await session.run({ x: new ort.Tensor('float32', data, [1, 1, 4, 4]) });
    expect(Array.from(out.pooled!.data as Float32Array)).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect((out.leaky!.data as Float32Array)[2]).toBe(-1);
  });
});
