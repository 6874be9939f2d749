import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ModelRecommendation, ModelStatus } from '@contract';
import type { ModelStore } from './model-store';
import { isGpu } from './variants';

const GB = 1e9;
/** CLIP ViT-B/32 fp32 image encoding on 2 CPU cores (README → How fast); the 8-bit encoder is counted twice as fast. */
const B32_FP32_PER_CORE = 19 / 2;

export interface Machine {
  provider: string;
  cpus: number;
  ramBytes: number;
  freeDiskBytes: number | null;
}

/** Free space where models go (the folder, or the nearest parent that exists). */
export async function freeDiskFor(dir: string): Promise<number | null> {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    const s = await statfs(at);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

function measured(status: ModelStatus): string | null {
  const figures = status.check?.ok ? status.check.figures : null;
  if (figures?.imagesPerSecond === undefined) return null;
  return status.task === 'clip' ? `measured here: ${figures.imagesPerSecond} photos/s` : `measured here: ${figures.secondsPerStep} s per step`;
}

/**
 * A set of models for this machine: on a GPU, MobileCLIP-S2 and Stable Diffusion 1.5 in fp16; on a CPU, CLIP ViT-B/32 in
 * 8-bit (MobileCLIP-S0 under 8 GB of memory), with Stable Diffusion 1.5 fp32 offered but ticked only with 16 GB of
 * memory; anything that does not fit the free disk is left unticked.
 */
export function recommend(store: ModelStore, machine: Machine): ModelRecommendation {
  const gpu = isGpu(machine.provider);
  const items: ModelRecommendation['items'] = [];
  const add = (id: string, variant: ModelRecommendation['items'][number]['variant'], selected: boolean, why: string, estimate: string) => {
    const status = store.status(id);
    const size = status.variants.find((v) => v.name === variant)?.approxBytes ?? status.approxBytes;
    items.push({ id, title: status.title, task: status.task, variant, approxBytes: size, selected, why, speed: measured(status) ?? estimate });
  };
  const cores = Math.max(1, machine.cpus);
  if (gpu) {
    add('mobileclip-s2', 'fp16', true, `Search and concepts: close to ViT-L/14 quality at a fraction of its cost, fp16 on ${machine.provider.toUpperCase()}.`, 'hundreds of photos/s on a GPU (estimate)');
    add('sd15-text2img', 'fp16', true, 'New canvases and concept negatives, fp16 on the GPU.', 'a few seconds per 512-px picture (estimate)');
  } else if (machine.ramBytes < 8 * GB) {
    add('mobileclip-s0', 'int8', true, 'Search and concepts on a small machine: the smallest CLIP model, 8-bit on the CPU.', `more than ${Math.round(B32_FP32_PER_CORE * cores * 2)} photos/s (estimate)`);
  } else {
    add('clip-vit-b32', 'int8', true, 'Search and concepts: fast on a CPU in 8-bit.', `about ${Math.round(B32_FP32_PER_CORE * cores * 2)} photos/s on ${cores} cores (estimate)`);
  }
  if (!gpu) {
    const enough = machine.ramBytes >= 16 * GB;
    add(
      'sd15-text2img-fp32',
      'fp32',
      enough,
      enough ? 'New canvases on the CPU (fp32: CPUs have no fast fp16 kernels).' : 'New canvases on the CPU: needs about 6 GB of memory free, and takes minutes per picture here.',
      'minutes per 512-px picture on a CPU (estimate)',
    );
  }
  const free = machine.freeDiskBytes;
  if (free !== null) {
    let total = 0;
    for (const item of items.filter((i) => i.selected)) {
      if (total + item.approxBytes + 1 * GB > free) {
        item.selected = false;
        item.why += ` Not ticked: ${Math.round(free / 1e8) / 10} GB free on the disk.`;
      } else total += item.approxBytes;
    }
  }
  const pix = store.status('sd15-instruct-pix2pix');
  const notes = pix.installed ? [] : [`Instruction editing (“make the sofa green”) needs ${pix.title}, which has no verifiable download yet: export it once — see Settings → Models.`];
  return { machine: { ...machine, gpu }, items: items.filter((i) => !store.status(i.id).installed), notes };
}
