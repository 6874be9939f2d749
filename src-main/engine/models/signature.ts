import type { InferenceSession } from 'onnxruntime-node';
import { AppError } from '@contract';

export interface TensorSpec {
  name: string;
  type: 'float32' | 'float16' | 'int64' | 'int32';
  rank: number;
  /** An input the studio feeds only when the model has it (e.g. attention_mask). */
  optional?: boolean;
}

export interface Signature {
  /** What the model is for, used in messages ("CLIP vision encoder"). */
  role: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

type Metadata = InferenceSession.ValueMetadata;

function describe(meta: Metadata): string {
  return meta.isTensor ? `${meta.name}: ${meta.type}[${meta.shape.join(', ')}]` : `${meta.name}: (not a tensor)`;
}

function describeSpec(spec: TensorSpec): string {
  return `${spec.name}: ${spec.type}, rank ${spec.rank}${spec.optional ? ' (optional)' : ''}`;
}

function matches(spec: TensorSpec, meta: Metadata | undefined): boolean {
  return !!meta && meta.isTensor && meta.type === spec.type && meta.shape.length === spec.rank;
}

/**
 * Refuses a model whose inputs/outputs do not fit its task: every required input and output must exist with the right
 * dtype and rank, and the model may not require inputs the studio cannot feed. The error lists expected vs. found.
 */
export function checkSignature(signature: Signature, inputs: readonly Metadata[], outputs: readonly Metadata[], file: string): void {
  const problems: string[] = [];
  for (const spec of signature.inputs) {
    const meta = inputs.find((m) => m.name === spec.name);
    if (!meta && spec.optional) continue;
    if (!matches(spec, meta)) problems.push(meta ? `input ${describe(meta)} should be ${describeSpec(spec)}` : `input ${spec.name} is missing`);
  }
  for (const meta of inputs) {
    if (!signature.inputs.some((s) => s.name === meta.name)) problems.push(`input ${meta.name} is not one the studio can feed`);
  }
  for (const spec of signature.outputs) {
    const meta = outputs.find((m) => m.name === spec.name);
    if (!matches(spec, meta)) problems.push(meta ? `output ${describe(meta)} should be ${describeSpec(spec)}` : `output ${spec.name} is missing`);
  }
  if (problems.length === 0) return;
  const expected = {
    inputs: signature.inputs.map(describeSpec),
    outputs: signature.outputs.map(describeSpec),
  };
  const found = { inputs: inputs.map(describe), outputs: outputs.map(describe) };
  throw new AppError(
    'MODEL_MISMATCH',
    `${file} does not fit as ${signature.role}: ${problems.join('; ')}. Expected inputs ${expected.inputs.join(', ')} and outputs ${expected.outputs.join(', ')}; found inputs ${found.inputs.join(', ')} and outputs ${found.outputs.join(', ')}.`,
    { file, problems, expected, found },
  );
}
