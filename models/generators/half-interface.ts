import { onnx } from '../../src-main/engine/models/onnx/onnx-proto';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

/**
 * Gives a float32 model the interface of an fp16 export: every float input and output becomes float16, with Casts at the
 * edges (the inside stays float32, so it runs on CPU kernels). For testing the pipelines' fp16 path.
 */
export function withHalfInterface(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const casts: onnx.INodeProto[] = [];
  for (const input of graph.input ?? []) {
    const tensor = input.type?.tensorType;
    if (tensor?.elemType !== FLOAT) continue;
    const inner = input.name!;
    input.name = `${inner}`;
    const outer = `${inner}__fp16`;
    // Rename every use of the input inside the graph to the cast's output.
    casts.push({ opType: 'Cast', name: `cast_in_${inner}`, input: [outer], output: [inner], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] });
    input.name = outer;
    tensor.elemType = FLOAT16;
  }
  for (const output of graph.output ?? []) {
    const tensor = output.type?.tensorType;
    if (tensor?.elemType !== FLOAT) continue;
    const name = output.name!;
    const inner = `${name}__fp32`;
    for (const node of graph.node ?? []) node.output = (node.output ?? []).map((o) => (o === name ? inner : o));
    for (const node of graph.node ?? []) node.input = (node.input ?? []).map((i) => (i === name ? inner : i));
    casts.push({ opType: 'Cast', name: `cast_out_${name}`, input: [inner], output: [name], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT16 }] });
    tensor.elemType = FLOAT16;
  }
  // Input casts first (topological order), output casts last.
  const inputs = casts.filter((c) => c.name!.startsWith('cast_in_'));
  const outputs = casts.filter((c) => c.name!.startsWith('cast_out_'));
  graph.node = [...inputs, ...(graph.node ?? []), ...outputs];
  // The public input names must stay the studio's (sample, encoder_hidden_states…): swap names so the outer one is public.
  for (const cast of inputs) {
    const publicName = cast.output![0]!;
    const outer = cast.input![0]!;
    const internal = `${publicName}__fp32`;
    for (const node of graph.node) node.input = (node.input ?? []).map((i) => (i === publicName ? internal : i));
    cast.output = [internal];
    cast.input = [publicName];
    for (const input of graph.input ?? []) if (input.name === outer) input.name = publicName;
  }
  return onnx.ModelProto.encode(model).finish();
}
