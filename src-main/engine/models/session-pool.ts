import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ort } from '../shared/native-packages';
import { AppError } from '@contract';
import { AsyncCache } from '../shared/async-cache';
import { threadBudget } from '../shared/thread-budget';
import { INFERENCE_NICE, InferenceWorker, type RunnableSession } from './inference-worker';

export type { RunnableSession } from './inference-worker';
import { checkSignature, type Signature } from './signature';

export interface SessionPoolOptions {
  /** Execution providers in preference order (or how to find them, on first use); CPU is always appended as the last resort. */
  providers: string[] | (() => string[]);
  /** Threads per operator; defaults to the thread budget's (one per core). */
  intraOpThreads?: number;
  /** Whether idle threads spin-wait for work (default: the thread budget's, off — the cores are shared with decoding). */
  spinning?: boolean;
  /** How much lower the inference thread's priority is (Linux nice steps; default INFERENCE_NICE, 0 for the same). */
  nice?: number;
}

/** ONNX Runtime session options for a provider with the pool's threading. */
export function sessionOptions(provider: string, threads: number, spinning: boolean): ort.InferenceSession.SessionOptions {
  const spin = spinning ? '1' : '0';
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Config keys of onnxruntime_session_options_config_keys.h (session.intra_op.allow_spinning, …).
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  };
}

export interface PooledSession {
  /** Lives on the pool's inference thread (see InferenceWorker). */
  session: RunnableSession;
  /** The provider the session was created with. */
  provider: string;
  /** Why a preferred provider was not used for this model, if one was skipped. */
  fallbackReason: string | null;
}

/** Files ONNX exports keep a graph's weights in, beside it (ONNX Runtime reads them from the graph's folder). */
function externalDataFiles(file: string): string[] {
  const dir = dirname(file);
  const name = basename(file);
  return ['weights.pb', `${name}_data`, `${name}.data`].map((n) => join(dir, n)).filter((p) => existsSync(p));
}

/** A file's size and a hash of its first and last megabyte. */
function fingerprint(file: string): string {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const chunk = Math.min(size, 1 << 20);
    const head = Buffer.alloc(chunk);
    const tail = Buffer.alloc(chunk);
    readSync(fd, head, 0, chunk, 0);
    readSync(fd, tail, 0, chunk, size - chunk);
    return `${size}:${createHash('sha256').update(head).update(tail).digest('hex')}`;
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates ONNX Runtime sessions lazily, one per model file, with the chosen execution provider and a CPU fallback;
 * checks each model against the signature its task expects; releases sessions on demand (e.g. on model switch).
 */
export class SessionPool {
  private readonly sessions = new AsyncCache<string, PooledSession>();
  /** Every time a model could not use the preferred provider, why (shown in Settings → Inference). */
  readonly fallbacks: string[] = [];
  private readonly providerList: SessionPoolOptions['providers'];
  private chosenProviders: string[] | null = null;
  private readonly threads: number;
  private readonly spinning: boolean;
  /** When the inference thread stops, its sessions are gone: the next `get` creates them again. */
  private readonly worker: InferenceWorker;

  constructor(options: SessionPoolOptions) {
    this.providerList = options.providers;
    const budget = threadBudget();
    this.threads = options.intraOpThreads ?? budget.inference;
    this.spinning = options.spinning ?? budget.spinning;
    this.worker = new InferenceWorker(() => this.forgetSessions(), options.nice ?? INFERENCE_NICE);
  }

  /** The providers to try, decided on first use (deciding may load ONNX Runtime). */
  private providers(): string[] {
    if (!this.chosenProviders) {
      const listed = typeof this.providerList === 'function' ? this.providerList() : this.providerList;
      this.chosenProviders = [...new Set([...listed, 'cpu'])];
    }
    return this.chosenProviders;
  }

  /**
   * The session for a model file, created on first use. `bytes` supplies a model derived in memory (e.g. a rewritten
   * graph); `file` is then its cache key.
   */
  /** `signature` may list alternatives (e.g. fp32 and fp16 exports): the model must fit one of them. */
  get(file: string, signature: Signature | Signature[], bytes?: Uint8Array): Promise<PooledSession> {
    const key = bytes ? file : this.contentKey(file);
    (this.paths.get(key) ?? this.paths.set(key, new Set()).get(key)!).add(file);
    return this.sessions.get(key, () => this.create(file, signature, bytes));
  }

  /** Model files loaded under each key (several folders may hold the same file). */
  private readonly paths = new Map<string, Set<string>>();
  private readonly fingerprints = new Map<string, string>();

  /**
   * Identical files share one session (e.g. the same Stable Diffusion text encoder in the instruction, inpainting and
   * text-to-image folders): the key is the file's size and a hash of its first and last megabyte.
   */
  private contentKey(file: string): string {
    let key = this.fingerprints.get(file);
    if (key) return key;
    if (!existsSync(file)) return file;
    // A graph with external weights (weights.pb, model.onnx_data) is the same model only if its weights are the same too.
    const parts = [file, ...externalDataFiles(file)];
    key = `content:${parts.map(fingerprint).join('+')}`;
    this.fingerprints.set(file, key);
    return key;
  }

  private async create(file: string, signatures: Signature | Signature[], bytes?: Uint8Array): Promise<PooledSession> {
    const alternatives = Array.isArray(signatures) ? signatures : [signatures];
    const signature = alternatives[0]!;
    if (!bytes && !existsSync(file)) throw new AppError('MODEL_MISSING', `The ${signature.role} model file is missing: ${file}.`, { file });
    let fallbackReason: string | null = null;
    for (const provider of this.providers()) {
      let session: RunnableSession;
      try {
        session = await this.worker.create(bytes ?? file, sessionOptions(provider, this.threads, this.spinning));
      } catch (error) {
        const message = (error as Error).message;
        if (provider === 'cpu') {
          throw new AppError('MODEL_MISMATCH', `ONNX Runtime could not load ${file} as ${signature.role}: ${message}`, { file });
        }
        fallbackReason = `${provider.toUpperCase()} could not load ${file} (${message.split('\n')[0]}); using the next provider.`;
        continue;
      }
      if (fallbackReason) this.fallbacks.push(fallbackReason);
      const fits = alternatives.some((alt) => {
        try {
          checkSignature(alt, session.inputMetadata, session.outputMetadata, file);
          return true;
        } catch {
          return false;
        }
      });
      if (!fits) {
        await session.release();
        // Explain against the first (preferred) signature.
        checkSignature(signature, session.inputMetadata, session.outputMetadata, file);
      }
      return { session, provider, fallbackReason };
    }
    throw new AppError('UNAVAILABLE', `No execution provider could run ${file}.`);
  }

  /** Releases the sessions of files whose path starts with `prefix` (a model folder), or all of them. */
  async release(prefix = ''): Promise<void> {
    const doomed = [...this.sessions.entries()].filter(([key]) => key.startsWith(prefix) || [...(this.paths.get(key) ?? [])].some((p) => p.startsWith(prefix)));
    for (const [key] of doomed) {
      this.sessions.delete(key);
      for (const path of this.paths.get(key) ?? []) this.fingerprints.delete(path);
      this.paths.delete(key);
    }
    await Promise.all(
      doomed.map(async ([, pending]) => {
        try {
          await (await pending).session.release();
        } catch {
          // A session that failed to load has nothing to release.
        }
      }),
    );
    if (this.sessions.size === 0) await this.worker.terminate();
  }

  private forgetSessions(): void {
    this.sessions.clear();
    this.paths.clear();
    this.fingerprints.clear();
  }

  get size(): number {
    return this.sessions.size;
  }
}
