import { onnx } from './onnx-proto';
import { AppError } from '@contract';

export const EMBEDS_INPUT = 'inputs_embeds';

export interface TokenEmbeddingRewrite {
  /** The rewritten model: the token lookup is gone and `inputs_embeds` [batch, sequence, dim] feeds what it fed. */
  model: Uint8Array;
  /** The token-embedding table, row-major [vocabSize, dim], as float32 whatever the model stores. */
  table: Float32Array;
  vocabSize: number;
  dim: number;
  /** The initializer the table came from, e.g. text_model.embeddings.token_embedding.weight. */
  tableName: string;
  /** Whether the rewritten model still takes input_ids (CLIP pools at the end token, found from the ids). */
  keepsInputIds: boolean;
}

/** Ops that pass token ids through unchanged in value (only shape or dtype changes). */
const ID_PASSTHROUGH = new Set(['Cast', 'Reshape', 'Unsqueeze', 'Squeeze', 'Flatten', 'Identity']);

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function tableData(tensor: onnx.ITensorProto): Float32Array {
  const T = onnx.TensorProto.DataType;
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new AppError('MODEL_MISMATCH', `The token-embedding table ${tensor.name} is stored as external data, which this rewrite does not read yet.`);
  }
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : null;
  if (tensor.dataType === T.FLOAT) {
    if (raw) return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    return Float32Array.from(tensor.floatData ?? []);
  }
  if (tensor.dataType === T.FLOAT16) {
    const halves = raw ? new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) : Uint16Array.from(tensor.int32Data ?? []);
    return Float32Array.from(halves, halfToFloat);
  }
  throw new AppError('MODEL_MISMATCH', `The token-embedding table ${tensor.name} has data type ${tensor.dataType}; only float32 and float16 tables can be exposed.`);
}

/**
 * Rewrites a CLIP-style text encoder so learned token embeddings can be fed directly: finds the Gather that looks token
 * ids up in the embedding table, removes it, and adds an `inputs_embeds` input in its place. Everything else — position
 * embeddings, the transformer, pooling at the end token from input_ids — is untouched, so for ordinary text the
 * rewritten model fed with looked-up rows gives the original's output. Works on any export that does the lookup with
 * a Gather on an initializer (Hugging Face / optimum CLIP and Stable Diffusion text encoders do).
 */
export function rewriteForTokenEmbeddings(bytes: Uint8Array, idsInput = 'input_ids'): TokenEmbeddingRewrite {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as onnx.GraphProto | null | undefined;
  if (!graph) throw new AppError('MODEL_MISMATCH', 'The text encoder has no graph.');
  const idsInfo = graph.input.find((i) => i.name === idsInput);
  if (!idsInfo) throw new AppError('MODEL_MISMATCH', `The text encoder has no ${idsInput} input to rewrite.`);

  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const producer = new Map<string, onnx.INodeProto>();
  for (const node of graph.node) for (const out of node.output ?? []) producer.set(out, node);
  const fromIds = (name: string): boolean => {
    if (name === idsInput) return true;
    const node = producer.get(name);
    return !!node && ID_PASSTHROUGH.has(node.opType ?? '') && fromIds(node.input?.[0] ?? '');
  };

  const lookups = graph.node.filter((n) => {
    if (n.opType !== 'Gather' || !n.input || n.input.length < 2) return false;
    const table = initializers.get(n.input[0]!);
    return !!table && table.dims?.length === 2 && fromIds(n.input[1]!);
  });
  if (lookups.length !== 1) {
    throw new AppError(
      'MODEL_MISMATCH',
      lookups.length === 0
        ? `No token-embedding lookup (a Gather on a 2-D table fed by ${idsInput}) was found in the text encoder.`
        : `Found ${lookups.length} Gathers on tables fed by ${idsInput}; cannot tell which one is the token embedding.`,
    );
  }
  const lookup = lookups[0]!;
  const tableTensor = initializers.get(lookup.input![0]!)!;
  const [vocabSize, dim] = (tableTensor.dims ?? []).map(Number) as [number, number];
  const table = tableData(tableTensor);
  const gathered = lookup.output![0]!;

  // Feed the new input wherever the lookup's result went, and drop the lookup.
  graph.node = graph.node.filter((n) => n !== lookup);
  for (const node of graph.node) node.input = (node.input ?? []).map((name) => (name === gathered ? EMBEDS_INPUT : name));
  graph.output = graph.output.map((o) => (o.name === gathered ? { ...o, name: EMBEDS_INPUT } : o));

  // Remove what only served the lookup: id casts/reshapes and, if nothing else uses it, the table.
  const outputs = new Set(graph.output.map((o) => o.name));
  let changed = true;
  while (changed) {
    changed = false;
    const consumed = new Set(graph.node.flatMap((n) => n.input ?? []));
    const before = graph.node.length;
    graph.node = graph.node.filter((n) => (n.output ?? []).some((o) => consumed.has(o) || outputs.has(o)));
    changed = graph.node.length !== before;
  }
  const consumed = new Set(graph.node.flatMap((n) => n.input ?? []));
  graph.initializer = graph.initializer.filter((t) => consumed.has(t.name!) || outputs.has(t.name!));
  const keepsInputIds = consumed.has(idsInput);
  if (!keepsInputIds) graph.input = graph.input.filter((i) => i.name !== idsInput);

  const idsDims = idsInfo.type?.tensorType?.shape?.dim ?? [];
  graph.input.push({
    name: EMBEDS_INPUT,
    type: {
      tensorType: {
        elemType: tableTensor.dataType,
        shape: { dim: [...idsDims.map((d) => ({ ...d })), { dimValue: dim }] },
      },
    },
  });
  return { model: onnx.ModelProto.encode(model).finish(), table, vocabSize, dim, tableName: tableTensor.name ?? '', keepsInputIds };
}

/** Rows of the table for the given ids: what the original model's lookup would have produced, [ids.length, dim]. */
export function lookUpRows(table: Float32Array, dim: number, ids: ArrayLike<number | bigint>): Float32Array {
  const out = new Float32Array(ids.length * dim);
  for (let i = 0; i < ids.length; i++) {
    const id = Number(ids[i]);
    out.set(table.subarray(id * dim, (id + 1) * dim), i * dim);
  }
  return out;
}
