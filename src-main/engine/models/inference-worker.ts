import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ort } from '../shared/native-packages';
import { AppError } from '@contract';
import { inferenceWorkerBody, type SessionFacts, type WireTensor, type WorkerReply, type WorkerRequest } from './inference-worker-body';

/** What the studio needs of an ONNX Runtime session; served by a session living on the inference thread. */
export type RunnableSession = Pick<ort.InferenceSession, 'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata'> & {
  run(feeds: Record<string, ort.Tensor>, fetches?: readonly string[]): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
};

type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'req'> : never) : never;

/** The inference thread's default nice value on Linux (see `thread`). */
export const INFERENCE_NICE = 10;

/**
 * One thread that runs ONNX Runtime for a session pool. `InferenceSession.run` blocks the thread that calls it for the
 * whole inference (a batch of 16 images through a ViT-B/32: hundreds of milliseconds), so on the engine's own thread it
 * would stall every request, progress event and UI update meanwhile. Started on first use; it keeps the process alive
 * only while requests are in flight; a crash fails what was in flight and the next request starts a new thread.
 */
export class InferenceWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (reply: WorkerReply & { ok: true }) => void; reject: (error: Error) => void }>();
  private nextReq = 1;
  private nextSession = 1;
  /** Sessions created by the current thread (a restarted thread has none). */
  private generation = 0;

  /** `onStop`: the thread stopped (crash or terminate); every session made so far is gone. */
  constructor(
    private readonly onStop: () => void = () => {},
    /** How much lower than the engine's thread the inference thread runs (Linux nice steps; 0 for the same). */
    private readonly nice = INFERENCE_NICE,
  ) {}

  async create(source: string | Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<RunnableSession> {
    const id = this.nextSession++;
    const reply = await this.request({ op: 'create', id, source, options });
    return this.session(id, this.generation, reply.facts!);
  }

  /** Stops the thread (sessions on it are gone with it). */
  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    this.onStop();
    await worker.terminate();
  }

  private session(id: number, generation: number, facts: SessionFacts): RunnableSession {
    const alive = () => {
      if (!this.worker || generation !== this.generation) throw new AppError('INTERNAL', 'The inference thread stopped; the model loads again on next use.');
    };
    return {
      ...facts,
      run: async (feeds, fetches) => {
        alive();
        const wire: Record<string, WireTensor> = {};
        for (const [name, t] of Object.entries(feeds)) wire[name] = { type: t.type, data: t.data, dims: t.dims };
        const reply = await this.request({ op: 'run', id, feeds: wire, ...(fetches ? { fetches } : {}) });
        const outputs: Record<string, ort.Tensor> = {};
        for (const [name, t] of Object.entries(reply.outputs!)) outputs[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
        return outputs;
      },
      release: async () => {
        if (generation !== this.generation || !this.worker) return;
        await this.request({ op: 'release', id });
      },
    };
  }

  private request(message: Request): Promise<WorkerReply & { ok: true }> {
    const worker = this.thread();
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, req });
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    // In a packaged app ONNX Runtime lives unpacked beside the asar archive (electron-builder.yml): a worker is handed
    // the real files rather than relying on asar support inside worker threads.
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node').replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
    // On Linux a thread's nice value is its own, and threads it starts (ONNX Runtime's pool) inherit it: the inference
    // thread yields the cores to the engine's event loop and to decoding, while taking every idle cycle. Elsewhere
    // setpriority would lower the whole process, so it is left alone.
    const lower = process.platform === 'linux' && this.nice > 0 ? `() => { try { require('node:os').setPriority(${this.nice}); } catch {} }` : '() => {}';
    const source = `(${inferenceWorkerBody.toString()})(require(${JSON.stringify(ortPath)}), require('node:worker_threads').parentPort, ${lower})`;
    const worker = new Worker(source, { eval: true });
    this.generation++;
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.pending.get(reply.req);
      if (!waiting) return;
      this.pending.delete(reply.req);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) waiting.resolve(reply);
      else waiting.reject(new Error(reply.message));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) {
        this.worker = null;
        this.onStop();
      }
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const w of waiting) w.reject(new AppError('INTERNAL', `The inference thread stopped: ${error.message}`));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
