import { onnx } from '../../src-main/engine/models/onnx/onnx-proto';

const cast = (from: string, to: string, type: number): onnx.INodeProto => ({
  opType: 'Cast',
  name: `cast_${from}_to_${to}`,
  input: [from],
  output: [to],
  attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: type }],
});

/**
 * Gives a float32 model the interface of an fp16 export: every float input and output becomes float16 under the same
 * name, with Casts at the edges (the inside stays float32, so it runs on CPU kernels). For testing the fp16 path.
 */
export function withHalfInterface(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const rename = (from: string, to: string, where: 'input' | 'output') => {
    for (const node of nodes) node[where] = (node[where] ?? []).map((n) => (n === from ? to : n));
  };
  const before: onnx.INodeProto[] = [];
  const after: onnx.INodeProto[] = [];
  for (const input of graph.input ?? []) {
    if (input.type?.tensorType?.elemType !== onnx.TensorProto.DataType.FLOAT) continue;
    const name = input.name!;
    rename(name, `${name}__fp32`, 'input');
    before.push(cast(name, `${name}__fp32`, onnx.TensorProto.DataType.FLOAT));
    input.type.tensorType.elemType = onnx.TensorProto.DataType.FLOAT16;
  }
  for (const output of graph.output ?? []) {
    if (output.type?.tensorType?.elemType !== onnx.TensorProto.DataType.FLOAT) continue;
    const name = output.name!;
    rename(name, `${name}__fp32`, 'output');
    rename(name, `${name}__fp32`, 'input');
    after.push(cast(`${name}__fp32`, name, onnx.TensorProto.DataType.FLOAT16));
    output.type.tensorType.elemType = onnx.TensorProto.DataType.FLOAT16;
  }
  graph.node = [...before, ...nodes, ...after];
  return onnx.ModelProto.encode(model).finish();
}
