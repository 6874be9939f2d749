import { lazyValue } from '../../shared/lazy-module';
import { onnx } from './onnx-proto';

export type ElemType = 'float' | 'int64' | 'int32';
export type Dim = number | string;
export type AttrValue = number | number[] | string | { float: number } | { floats: number[] };

// Read on first use, so importing this file does not load onnx-proto.
const ELEM: Record<ElemType, number> = lazyValue(() => ({
  float: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
}));

function valueInfo(name: string, elem: ElemType, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[elem],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** ONNX stores integer attributes as int lists or ints, floats explicitly: numbers that must be floats are wrapped. */
function attribute(name: string, value: AttrValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.FLOATS, floats: value.floats };
}

/**
 * Builds ONNX graphs node by node, for fixture models and tests. Names are generated unless given,
 * so expressions read like code: `const y = g.op('Add', [x, g.constF([1], [1])])`.
 */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, elem: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  output(name: string, elem: ElemType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elem, dims));
  }

  /** A float32 initializer (weights, constants). */
  tensorF(values: Float32Array | number[], dims: number[], name = this.fresh('const')): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${name}: ${data.length} values do not fill ${dims.join('×')}`);
    this.initializers.push({ name, dataType: ELEM.float, dims, rawData: bytesOf(data) });
    return name;
  }

  /** An int64 initializer (shapes, axes, indices). */
  tensorI64(values: number[], dims: number[] = [values.length], name = this.fresh('const')): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dataType: ELEM.int64, dims, rawData: bytesOf(data) });
    return name;
  }

  /** A float32 scalar or vector constant. */
  constF(values: number[] | number, dims?: number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.tensorF(list, dims ?? (typeof values === 'number' ? [] : [list.length]));
  }

  /** Adds a node and returns its output names (one unless `outputs` says more). */
  ops(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1, outputNames?: string[]): string[] {
    const names = outputNames ?? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}_node`),
      input: inputs,
      output: names,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return names;
  }

  /** Adds a single-output node and returns its output name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputName?: string): string {
    return this.ops(opType, inputs, attrs, 1, outputName ? [outputName] : undefined)[0]!;
  }

  build(options: { opset?: number; producer?: string; docString?: string } = {}): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: 8,
      producerName: options.producer ?? 'compose-studio',
      docString: options.docString ?? '',
      opsetImport: [{ domain: '', version: options.opset ?? 17 }],
      graph: {
        name: this.name,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}
