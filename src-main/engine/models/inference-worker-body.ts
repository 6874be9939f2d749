import type * as Ort from 'onnxruntime-node';
import type { MessagePort } from 'node:worker_threads';

/** A tensor as it crosses between threads: its type, data and shape. */
export interface WireTensor {
  type: Ort.Tensor.Type;
  data: Ort.Tensor.DataType;
  dims: readonly number[];
}

export type WorkerRequest =
  | { req: number; op: 'create'; id: number; source: string | Uint8Array; options: Ort.InferenceSession.SessionOptions }
  | { req: number; op: 'run'; id: number; feeds: Record<string, WireTensor>; fetches?: readonly string[] }
  | { req: number; op: 'release'; id: number };

export interface SessionFacts {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata: Ort.InferenceSession['inputMetadata'];
  outputMetadata: Ort.InferenceSession['outputMetadata'];
}

export type WorkerReply = { req: number; ok: true; facts?: SessionFacts; outputs?: Record<string, WireTensor> } | { req: number; ok: false; message: string };

/**
 * The inference thread's whole program. It runs in a worker, from its source text (`toString()`), so it must not
 * reference anything outside itself: ONNX Runtime and the port are handed in. Requests are handled one at a time in
 * arrival order — ONNX Runtime's `run` blocks the thread it runs on, which is the reason this thread exists: the engine's
 * event loop stays free while a model runs.
 */
export function inferenceWorkerBody(ort: typeof Ort, port: MessagePort, lowerPriority: () => void): void {
  lowerPriority();
  const sessions = new Map<number, Ort.InferenceSession>();
  let queue: Promise<void> = Promise.resolve();
  const handle = async (m: WorkerRequest): Promise<void> => {
    try {
      if (m.op === 'create') {
        const session = typeof m.source === 'string' ? await ort.InferenceSession.create(m.source, m.options) : await ort.InferenceSession.create(m.source, m.options);
        sessions.set(m.id, session);
        const facts = { inputNames: session.inputNames, outputNames: session.outputNames, inputMetadata: session.inputMetadata, outputMetadata: session.outputMetadata };
        port.postMessage({ req: m.req, ok: true, facts });
      } else if (m.op === 'run') {
        const session = sessions.get(m.id);
        if (!session) throw new Error('this model session was released');
        const feeds: Record<string, Ort.Tensor> = {};
        for (const [name, t] of Object.entries(m.feeds)) feeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
        const results = m.fetches ? await session.run(feeds, m.fetches) : await session.run(feeds);
        const outputs: Record<string, { type: string; data: unknown; dims: readonly number[] }> = {};
        const transfer: ArrayBuffer[] = [];
        for (const [name, t] of Object.entries(results)) {
          outputs[name] = { type: t.type, data: t.data, dims: t.dims };
          const buffer = (t.data as { buffer?: unknown }).buffer;
          if (buffer instanceof ArrayBuffer && !transfer.includes(buffer)) transfer.push(buffer);
        }
        port.postMessage({ req: m.req, ok: true, outputs }, transfer);
      } else {
        const session = sessions.get(m.id);
        sessions.delete(m.id);
        if (session) await session.release();
        port.postMessage({ req: m.req, ok: true });
      }
    } catch (error) {
      port.postMessage({ req: m.req, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  };
  port.on('message', (m: WorkerRequest) => {
    queue = queue.then(() => handle(m));
  });
}
