import { availableParallelism } from 'node:os';

/**
 * How the studio's CPU-heavy stages share the machine's cores while indexing. ONNX Runtime's kernels are the costliest
 * work, so inference gets one thread per core (without spin-waiting: a spinning thread burns a core the decoder
 * needs); libvips runs each decode on one thread, and a few decodes run side by side on libuv's pool instead, so
 * decoding fills the gaps inference leaves rather than each library starting a thread per core on the same cores.
 */
export interface ThreadBudget {
  /** ONNX Runtime intra-op threads. */
  inference: number;
  /** Whether ONNX Runtime's threads spin while waiting for work. */
  spinning: boolean;
  /** libvips threads per image operation (sharp.concurrency). */
  vipsThreads: number;
  /** Files decoded at once by the indexer. */
  decodeLanes: number;
}

export function threadBudget(cores = availableParallelism()): ThreadBudget {
  const n = Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 1;
  return { inference: n, spinning: false, vipsThreads: 1, decodeLanes: Math.min(4, Math.max(2, Math.ceil(n / 2))) };
}
