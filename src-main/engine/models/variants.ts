import type { ModelEntry, Precision } from './manifest';
import { variantsOf } from './manifest';

/** Execution providers that run fp16 kernels well; everything else is treated as a CPU. */
const HALF_PROVIDERS = new Set(['cuda', 'tensorrt', 'dml', 'coreml', 'rocm', 'migraphx', 'webgpu']);

export function isGpu(provider: string): boolean {
  return HALF_PROVIDERS.has(provider);
}

/**
 * The order in which precisions suit a provider: fp16 on GPUs; on CPUs the 8-bit CLIP encoders (dynamic quantization
 * runs MatMulInteger kernels, several times faster than fp32 at nearly the same embeddings) and fp32 for diffusion,
 * whose fp16 graphs have no CPU kernels for some operators.
 */
export function precisionOrder(provider: string, task: string): Precision[] {
  if (isGpu(provider)) return ['fp16', 'fp32', 'int8'];
  return task === 'clip' ? ['int8', 'fp32', 'fp16'] : ['fp32', 'fp16', 'int8'];
}

/** The variants of a model, most suitable first. */
export function preferredVariants(model: ModelEntry, provider: string): Precision[] {
  const available = variantsOf(model);
  return precisionOrder(provider, model.task).filter((p) => available.includes(p));
}

/**
 * The variant in use: the user's choice if the model has it; else the most suitable one that is on disk; else the most
 * suitable one (what a download would fetch).
 */
export function chooseVariant(model: ModelEntry, provider: string | (() => string), choice: Precision | null, installed: (v: Precision) => boolean): Precision {
  const available = variantsOf(model);
  if (choice && available.includes(choice)) return choice;
  // With one variant on disk the provider cannot change the answer: not asking spares loading ONNX Runtime to decide.
  const onDisk = available.filter(installed);
  if (onDisk.length === 1) return onDisk[0]!;
  const order = preferredVariants(model, typeof provider === 'function' ? provider() : provider);
  return order.find(installed) ?? order[0]!;
}

/**
 * Among a model and the entries that are its variants from other repositories (variantOf), the one in use: the user's
 * choice of precision, else the most suitable installed one, else the model itself.
 */
export function chooseMember(members: ModelEntry[], provider: string, choice: Precision | null, installed: (id: string) => boolean): ModelEntry {
  const head = members[0]!;
  if (choice) {
    const chosen = members.find((m) => m.precision === choice);
    if (chosen) return chosen;
  }
  const order = precisionOrder(provider, head.task);
  const ranked = [...members].sort((a, b) => order.indexOf(a.precision) - order.indexOf(b.precision));
  return ranked.find((m) => installed(m.id)) ?? head;
}
