import type * as Float16 from '@petamoriken/float16';
import { lazyModule } from '../shared/lazy-module';
import { ort } from '../shared/native-packages';
import type { RunnableSession } from './inference-worker';
import type { Signature } from './signature';

// Loaded when an fp16 tensor is first converted, not at startup.
const float16 = lazyModule<typeof Float16>('@petamoriken/float16');

/**
 * fp16 exports (half the memory, the usual choice on CUDA) take and return float16 tensors; the pipelines compute in
 * float32 and convert at the model's edges.
 */
export function halfSignature(signature: Signature): Signature {
  const half = <T extends { type: string }>(spec: T): T => (spec.type === 'float32' ? { ...spec, type: 'float16' } : spec);
  return { ...signature, role: `${signature.role} (fp16)`, inputs: signature.inputs.map(half), outputs: signature.outputs.map(half) };
}

/** A float tensor in the element type an input wants. */
export function floatTensor(session: RunnableSession, input: string, data: Float32Array, dims: readonly number[]): ort.Tensor {
  const meta = session.inputMetadata.find((m) => m.name === input);
  if (meta?.isTensor && meta.type === 'float16') return new ort.Tensor('float16', new Uint16Array(float16.Float16Array.from(data).buffer), dims);
  return new ort.Tensor('float32', data, dims);
}

/** A float output as float32, whatever its element type. */
export function toFloat32(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float16') {
    const bits = tensor.data as Uint16Array;
    return Float32Array.from(new float16.Float16Array(bits.buffer, bits.byteOffset, bits.length));
  }
  return tensor.data as Float32Array;
}

/** Token ids (or a mask) in the integer type an input wants: int64 in most exports, int32 in some (e.g. Olive/Unpaint). */
export function intTensor(session: RunnableSession, input: string, data: BigInt64Array, dims: readonly number[]): ort.Tensor {
  const meta = session.inputMetadata.find((m) => m.name === input);
  if (meta?.isTensor && meta.type === 'int32') return new ort.Tensor('int32', Int32Array.from(data, Number), dims);
  return new ort.Tensor('int64', data, dims);
}

/** A signature whose int64 inputs are int32 instead. */
export function int32Signature(signature: Signature): Signature {
  const narrow = <T extends { type: string }>(spec: T): T => (spec.type === 'int64' ? { ...spec, type: 'int32' } : spec);
  return { ...signature, role: `${signature.role} (int32 ids)`, inputs: signature.inputs.map(narrow) };
}
