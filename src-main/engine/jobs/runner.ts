import { randomUUID } from 'node:crypto';
import { AppError, isFinished, jobKinds, type Job, type JobKind, type JobOf, type JobProgress, type WireError } from '@contract';
import { jobController, jobFailure, logJobError, type JobContext, type JobRunnerOptions, type JobSpec, type JobWork } from './job-context';
import { RateMeter } from './rate-meter';

export { toWireError, type JobContext, type JobRunnerOptions, type JobSpec, type JobWork } from './job-context';

type Listener = (job: Job) => void;

/** A job as the runner keeps it: one record for every kind (the kind's types hold at submit and on the wire). */
type JobRecord = Omit<Job, 'kind' | 'progress' | 'result'> & { kind: JobKind; progress: JobProgress; result: unknown };

interface Entry {
  job: JobRecord;
  work: (ctx: JobContext) => Promise<unknown>;
  controller: AbortController;
  meter: RateMeter;
  lastEmit: number;
  pendingEmit: ReturnType<typeof setTimeout> | null;
  settled: Promise<Job>;
  resolveSettled: (job: Job) => void;
  /** Resolves the checkpoint a paused job waits at. */
  resume: (() => void) | null;
}

/** Queue of long-running work with a concurrency limit, progress events, cancel and failure reasons. */
export class JobRunner {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: string[] = [];
  /** Ids of finished jobs, oldest finish first. */
  private readonly finishedOrder: string[] = [];
  /** Key → id of the latest job submitted with submitOnce under it. */
  private readonly keyed = new Map<string, string>();
  private readonly listeners = new Set<Listener>();
  private running = 0;
  private readonly concurrency: number;
  private readonly progressIntervalMs: number;
  private readonly keepFinished: number;
  private readonly now: () => number;

  constructor(options: JobRunnerOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
    this.keepFinished = options.keepFinished ?? 50;
    this.now = options.now ?? Date.now;
    this.explain = options.explain ?? (() => null);
    this.onInternalError = options.onInternalError ?? logJobError;
  }

  private readonly explain: (error: unknown) => AppError | null;
  private readonly onInternalError: NonNullable<JobRunnerOptions['onInternalError']>;

  /** Queues `work` as a job of `spec.kind`; the work must return that kind's result (see jobKinds in the contract). */
  submit<K extends JobKind>(spec: JobSpec<K>, work: JobWork<K>): JobOf<K> {
    let resolveSettled!: (job: Job) => void;
    const settled = new Promise<Job>((resolve) => (resolveSettled = resolve));
    const job: JobRecord = {
      id: randomUUID(),
      kind: spec.kind,
      label: spec.label,
      state: 'queued',
      cancelRequested: false,
      pausable: spec.pausable ?? false,
      progress: { done: 0, total: spec.total ?? null, unit: jobKinds[spec.kind].unit, rate: null, etaSeconds: null },
      createdAt: this.now(),
      startedAt: null,
      finishedAt: null,
      error: null,
      result: null,
    };
    const entry: Entry = {
      job,
      work,
      controller: jobController(),
      meter: new RateMeter(),
      lastEmit: 0,
      pendingEmit: null,
      settled,
      resolveSettled,
      resume: null,
    };
    this.entries.set(job.id, entry);
    this.queue.push(job.id);
    this.emit(entry);
    this.pump();
    return snapshot(job) as JobOf<K>;
  }

  /** The job submitted under `key` (see submitOnce) while it is queued, running or paused. */
  unfinished(key: string): Job | undefined {
    const id = this.keyed.get(key);
    const entry = id ? this.entries.get(id) : undefined;
    return entry && !isFinished(entry.job.state) ? snapshot(entry.job) : undefined;
  }

  /** Submits unless a job under `key` is still unfinished, in which case that job is returned (created: false). */
  submitOnce<K extends JobKind>(key: string, spec: JobSpec<K>, work: JobWork<K>): { job: JobOf<K>; created: boolean } {
    const id = this.keyed.get(key);
    const current = id ? this.entries.get(id)?.job : undefined;
    if (current && !isFinished(current.state) && current.kind === spec.kind) return { job: snapshot(current) as JobOf<K>, created: false };
    const job = this.submit(spec, work);
    this.keyed.set(key, job.id);
    return { job, created: true };
  }

  list(): Job[] {
    // Map order is submission order; newest first reads best.
    return [...this.entries.values()].map((e) => snapshot(e.job)).reverse();
  }

  get(id: string): Job {
    return snapshot(this.entry(id).job);
  }

  /** Resolves when the job is done, failed or cancelled. */
  settled(id: string): Promise<Job> {
    return this.entry(id).settled;
  }

  cancel(id: string): Job {
    const entry = this.entry(id);
    const { job } = entry;
    if (job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(id), 1);
      this.finish(entry, 'cancelled', null, null);
    } else if ((job.state === 'running' || job.state === 'paused') && !job.cancelRequested) {
      job.cancelRequested = true;
      entry.controller.abort(new AppError('CANCELLED', `${job.label} was cancelled.`));
      this.emit(entry);
    }
    return snapshot(job);
  }

  /** Pauses a running pausable job: it stops at its next checkpoint and keeps its place. */
  pause(id: string): Job {
    const entry = this.entry(id);
    const { job } = entry;
    if (!job.pausable) throw new AppError('CONFLICT', `${job.label} cannot be paused; cancel it instead.`);
    if (job.state === 'running' && !job.cancelRequested) {
      job.state = 'paused';
      job.progress.rate = null;
      job.progress.etaSeconds = null;
      this.emit(entry);
    }
    return snapshot(job);
  }

  resume(id: string): Job {
    const entry = this.entry(id);
    if (entry.job.state === 'paused') {
      entry.job.state = 'running';
      // The pause is not progress: restart the rate window from now.
      entry.meter = new RateMeter();
      entry.meter.add(this.now(), entry.job.progress.done);
      this.emit(entry);
      entry.resume?.();
      entry.resume = null;
    }
    return snapshot(entry.job);
  }

  /**
   * Cancels everything and waits for running jobs to stop, but no longer than `graceMs`: a job stuck in a system call
   * (a hung network share) must not keep the studio from quitting. Every step is already in the database.
   */
  async shutdown(graceMs = 5000): Promise<void> {
    const live = [...this.entries.values()].filter((e) => !isFinished(e.job.state));
    for (const e of live) this.cancel(e.job.id);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(live.map((e) => e.settled)), grace]);
    clearTimeout(timer);
  }

  onUpdate(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new AppError('NOT_FOUND', `No job with id ${id}.`, { id });
    return entry;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const entry = this.entries.get(this.queue.shift()!)!;
      void this.run(entry);
    }
  }

  private async run(entry: Entry): Promise<void> {
    const { job, controller } = entry;
    this.running++;
    job.state = 'running';
    job.startedAt = this.now();
    entry.meter.add(job.startedAt, job.progress.done);
    this.emit(entry);

    const throwIfCancelled = () => {
      if (controller.signal.aborted) throw controller.signal.reason;
    };
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (done, total) => this.progress(entry, done, total),
      throwIfCancelled,
      checkpoint: async () => {
        throwIfCancelled();
        if (job.state !== 'paused') return;
        await new Promise<void>((resolve, reject) => {
          entry.resume = resolve;
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
        });
      },
    };
    try {
      const result = await entry.work(ctx);
      if (controller.signal.aborted) this.finish(entry, 'cancelled', null, null);
      else this.finish(entry, 'done', null, result ?? null);
    } catch (error) {
      if (controller.signal.aborted) this.finish(entry, 'cancelled', null, null);
      else this.finish(entry, 'failed', jobFailure(error, job, this.explain, this.onInternalError), null);
    } finally {
      this.running--;
      this.pump();
    }
  }

  private progress(entry: Entry, done: number, total?: number | null): void {
    const { job } = entry;
    if (isFinished(job.state)) return;
    if (job.state === 'paused') {
      // Work already under way when pause was asked may still report; count it, but say nothing of speed.
      if (total !== undefined) job.progress.total = total;
      job.progress.done = Math.max(0, done);
      return;
    }
    if (total !== undefined) job.progress.total = total;
    job.progress.done = Math.max(0, done);
    const t = this.now();
    entry.meter.add(t, job.progress.done);
    job.progress.rate = entry.meter.rate();
    job.progress.etaSeconds = entry.meter.eta(job.progress.done, job.progress.total);
    const complete = job.progress.total !== null && job.progress.done >= job.progress.total;
    if (complete || t - entry.lastEmit >= this.progressIntervalMs) this.emit(entry);
    else if (!entry.pendingEmit) {
      entry.pendingEmit = setTimeout(() => this.emit(entry), this.progressIntervalMs - (t - entry.lastEmit));
    }
  }

  private finish(entry: Entry, state: 'done' | 'failed' | 'cancelled', error: WireError | null, result: unknown): void {
    const { job } = entry;
    job.state = state;
    job.finishedAt = this.now();
    job.error = error;
    job.result = result;
    job.progress.rate = null;
    job.progress.etaSeconds = state === 'done' ? 0 : null;
    this.emit(entry);
    entry.resolveSettled(snapshot(job));
    this.finishedOrder.push(job.id);
    while (this.finishedOrder.length > this.keepFinished) this.entries.delete(this.finishedOrder.shift()!);
  }

  private emit(entry: Entry): void {
    if (entry.pendingEmit) clearTimeout(entry.pendingEmit);
    entry.pendingEmit = null;
    entry.lastEmit = this.now();
    const copy = snapshot(entry.job);
    for (const listener of this.listeners) {
      try {
        listener(copy);
      } catch {
        // A faulty listener must not stop the job or other listeners.
      }
    }
  }
}

/** A copy for the outside, as its wire type: the record's kind, unit and result were fixed together at submit. */
function snapshot(job: JobRecord): Job {
  return structuredClone(job) as Job;
}
