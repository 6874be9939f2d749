import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../../models/scene-world/random';
import { quantizeDynamic, quantizeWeights } from './dynamic-quantize';
import { GraphBuilder } from './graph-builder';
import { onnx } from './onnx-proto';

const rng = new Random(5);
const randoms = (n: number, std: number) => Float32Array.from({ length: n }, () => std * rng.gaussian());

/** x [batch, 64] → Linear(64→96) → ReLU → Linear(96→16), plus a Gram matrix x·xᵀ (a MatMul of two activations). */
function smallMlp(): Uint8Array {
  const g = new GraphBuilder('mlp');
  const x = g.input('x', 'float', ['batch', 64]);
  const h = g.op('Relu', [g.op('Add', [g.op('MatMul', [x, g.tensorF(randoms(64 * 96, 0.1), [64, 96], 'fc1.weight')]), g.tensorF(randoms(96, 0.1), [96], 'fc1.bias')])]);
  g.op('MatMul', [h, g.tensorF(randoms(96 * 16, 0.1), [96, 16], 'fc2.weight')], {}, 'y');
  g.op('MatMul', [x, g.op('Transpose', [x], { perm: [1, 0] })], {}, 'gram');
  g.output('y', 'float', ['batch', 16]);
  g.output('gram', 'float', ['batch', 'batch']);
  return g.build();
}

async function run(model: Uint8Array, x: Float32Array): Promise<{ y: Float32Array; gram: Float32Array }> {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ x: new ort.Tensor('float32', x, [x.length / 64, 64]) });
  await session.release();
  return { y: out.y!.data as Float32Array, gram: out.gram!.data as Float32Array };
}

describe('dynamic 8-bit quantization (ONNX Runtime’s layout)', () => {
  it('quantizes weights symmetrically per tensor, rounding half to even (hand-computed)', () => {
    // max|w| = 1 → scale 2/255; 0.5 → 63.75 → 64; −1 → −127.5 → −128 (even); 0.25 → 31.875 → 32.
    const { values, scale } = quantizeWeights(Float32Array.of(0.5, -1, 0.25, 0));
    expect(scale).toBeCloseTo(2 / 255, 9);
    expect([...values]).toEqual([64, -128, 32, 0]);
  });

  it('rewrites MatMuls with constant weights into DynamicQuantizeLinear → MatMulInteger → rescale, and leaves the others', () => {
    const original = smallMlp();
    const report = quantizeDynamic(original);
    expect(report).toMatchObject({ quantized: 2, skipped: 1, weightBytes: { before: (64 * 96 + 96 * 16) * 4, after: 64 * 96 + 96 * 16 } });
    const graph = onnx.ModelProto.decode(report.model).graph as onnx.GraphProto;
    const ops = graph.node.map((n) => n.opType);
    expect(ops.filter((o) => o === 'MatMulInteger')).toHaveLength(2);
    expect(ops.filter((o) => o === 'DynamicQuantizeLinear')).toHaveLength(2);
    expect(ops.filter((o) => o === 'MatMul')).toHaveLength(1); // the Gram matrix stays float
    expect(graph.initializer.map((t) => t.name)).not.toContain('fc1.weight');
    expect(graph.initializer.find((t) => t.name === 'fc1.weight_quantized')?.dataType).toBe(onnx.TensorProto.DataType.INT8);
    expect(report.model.byteLength).toBeLessThan(original.byteLength * 0.4);
  });

  it('gives outputs close to float32 (within 2 % of their spread), and the untouched MatMul exactly', async () => {
    const model = smallMlp();
    const x = randoms(8 * 64, 1);
    const float = await run(model, x);
    const quantized = await run(quantizeDynamic(model).model, x);
    let err = 0;
    let norm = 0;
    for (let i = 0; i < float.y.length; i++) {
      err += (float.y[i]! - quantized.y[i]!) ** 2;
      norm += float.y[i]! ** 2;
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(0.02);
    expect(Math.sqrt(err / norm)).toBeGreaterThan(0); // it really ran in 8 bits
    expect(quantized.gram).toEqual(float.gram);
  });

  it('refuses models older than opset 11', () => {
    const proto = onnx.ModelProto.decode(smallMlp());
    proto.opsetImport = [{ domain: '', version: 10 }];
    expect(() => quantizeDynamic(onnx.ModelProto.encode(proto).finish())).toThrow(expect.objectContaining({ code: 'MODEL_MISMATCH' }));
  });
});
