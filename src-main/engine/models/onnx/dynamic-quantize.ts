import { AppError } from '@contract';
import { lazyValue } from '../../shared/lazy-module';
import { onnx } from './onnx-proto';

/**
 * 8-bit dynamic quantization of an ONNX model's MatMuls, laid out the way ONNX Runtime's `quantize_dynamic` writes it
 * (operator-oriented, the default): each MatMul whose second input is a constant float matrix becomes
 *
 *   A_q, A_scale, A_zp = DynamicQuantizeLinear(A)          // uint8 activations, range measured per call
 *   Y_i32 = MatMulInteger(A_q, W_q, A_zp, W_zp)             // int8 weights, quantized once here
 *   Y     = Cast(Y_i32 → float) · (A_scale · W_scale)
 *
 * ONNX Runtime fuses this chain into its DynamicQuantizeMatMul kernel on the CPU. Weights are quantized per tensor and
 * symmetrically, as `quantize_dynamic(weight_type=QInt8)` does: scale = 2·max|W| / 255, zero point 0, values rounded
 * half to even and clipped to [−128, 127]. Everything else in the graph is left as it is.
 */

export interface QuantizeReport {
  model: Uint8Array;
  /** MatMuls rewritten, and those left in float (their second input is not a constant 2-D float matrix). */
  quantized: number;
  skipped: number;
  /** Weight bytes before (float32) and after (int8) for the rewritten MatMuls. */
  weightBytes: { before: number; after: number };
}

// Read on first use, so importing this file does not load onnx-proto.
const T = lazyValue(() => onnx.TensorProto.DataType);

function floatData(tensor: onnx.ITensorProto): Float32Array | null {
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) return null;
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : null;
  if (raw) return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return tensor.floatData && tensor.floatData.length > 0 ? Float32Array.from(tensor.floatData) : null;
}

/** numpy's round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Symmetric per-tensor int8 weights, as ONNX Runtime computes them for QInt8. */
export function quantizeWeights(weights: Float32Array): { values: Int8Array; scale: number } {
  let absMax = 0;
  for (const w of weights) absMax = Math.max(absMax, Math.abs(w));
  const scale = absMax > 0 ? (2 * absMax) / 255 : 1;
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) values[i] = Math.max(-128, Math.min(127, roundHalfEven(weights[i]! / scale)));
  return { values, scale };
}

const bytes = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

/** Rewrites every MatMul with a constant float weight matrix into DynamicQuantizeLinear → MatMulInteger → rescale. */
export function quantizeDynamic(model: Uint8Array): QuantizeReport {
  const proto = onnx.ModelProto.decode(model);
  const graph = proto.graph as onnx.GraphProto | null | undefined;
  if (!graph) throw new AppError('MODEL_MISMATCH', 'The model has no graph to quantize.');
  const opset = proto.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!opset || Number(opset.version) < 11) throw new AppError('MODEL_MISMATCH', `Dynamic quantization needs ONNX opset 11 or newer (the model has ${opset ? Number(opset.version) : 'none'}).`);

  const initializers = new Map(graph.initializer.map((t) => [t.name!, t]));
  const quantizedWeights = new Map<string, { q: string; scale: string; zp: string }>();
  const quantizedActivations = new Map<string, { q: string; scale: string; zp: string; node: onnx.INodeProto }>();
  const nodes: onnx.INodeProto[] = [];
  const added: onnx.ITensorProto[] = [];
  const report = { quantized: 0, skipped: 0, weightBytes: { before: 0, after: 0 } };

  for (const node of graph.node) {
    if (node.opType !== 'MatMul' || (node.domain && node.domain !== 'ai.onnx')) {
      nodes.push(node);
      continue;
    }
    const [a, w] = node.input as [string, string];
    const tensor = initializers.get(w);
    const data = tensor && tensor.dataType === T.FLOAT && tensor.dims?.length === 2 ? floatData(tensor) : null;
    if (!data) {
      report.skipped++;
      nodes.push(node);
      continue;
    }
    let weight = quantizedWeights.get(w);
    if (!weight) {
      const { values, scale } = quantizeWeights(data);
      weight = { q: `${w}_quantized`, scale: `${w}_scale`, zp: `${w}_zero_point` };
      added.push(
        { name: weight.q, dataType: T.INT8, dims: tensor!.dims, rawData: bytes(values) },
        { name: weight.scale, dataType: T.FLOAT, dims: [], rawData: bytes(Float32Array.of(scale)) },
        { name: weight.zp, dataType: T.INT8, dims: [], rawData: bytes(Int8Array.of(0)) },
      );
      quantizedWeights.set(w, weight);
      report.weightBytes.before += data.byteLength;
      report.weightBytes.after += values.byteLength;
    }
    let activation = quantizedActivations.get(a);
    if (!activation) {
      activation = { q: `${a}_quantized`, scale: `${a}_scale`, zp: `${a}_zero_point`, node: {} };
      activation.node = { opType: 'DynamicQuantizeLinear', name: `${a}_DynamicQuantizeLinear`, input: [a], output: [activation.q, activation.scale, activation.zp] };
      nodes.push(activation.node);
      quantizedActivations.set(a, activation);
    }
    const base = node.name || node.output![0]!;
    const product = `${base}_output_quantized`;
    const asFloat = `${base}_output_float`;
    const scale = `${base}_scale`;
    nodes.push(
      { opType: 'MatMulInteger', name: `${base}_quant`, input: [activation.q, weight.q, activation.zp, weight.zp], output: [product] },
      { opType: 'Cast', name: `${base}_cast`, input: [product], output: [asFloat], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: T.FLOAT }] },
      { opType: 'Mul', name: `${base}_scale_mul`, input: [activation.scale, weight.scale], output: [scale] },
      { opType: 'Mul', name: `${base}_output_mul`, input: [asFloat, scale], output: node.output },
    );
    report.quantized++;
  }

  // Float weights that only the rewritten MatMuls used are gone from the graph.
  const stillUsed = new Set(nodes.flatMap((n) => n.input ?? []));
  const dropped = new Set([...quantizedWeights.keys()].filter((name) => !stillUsed.has(name)));
  graph.initializer = [...graph.initializer.filter((t) => !dropped.has(t.name!)), ...added];
  // Older exports also list initializers as graph inputs; a dropped one must not become an input to feed.
  graph.input = graph.input.filter((i) => !dropped.has(i.name!));
  graph.node = nodes;
  return { model: onnx.ModelProto.encode(proto).finish(), ...report };
}
