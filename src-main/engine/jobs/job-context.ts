import { setMaxListeners } from 'node:events';
import { AppError, type JobKind, type JobResult, type JobUnit, type WireError } from '@contract';

export interface JobContext {
  /** Aborted when the job is cancelled; pass it to anything that accepts a signal. */
  readonly signal: AbortSignal;
  /** Report progress; `total` may be given (or changed) at any time. */
  progress(done: number, total?: number | null): void;
  /** Throws a CANCELLED AppError if the job was cancelled; call between steps. */
  throwIfCancelled(): void;
  /** Between steps of a pausable job: throws if cancelled, waits while paused. */
  checkpoint(): Promise<void>;
}

/** A job's work: it must come back with its kind's result (see jobKinds in the contract). */
export type JobWork<K extends JobKind> = (ctx: JobContext) => Promise<JobResult<K>>;

export interface JobSpec<K extends JobKind> {
  kind: K;
  label: string;
  /** What progress counts; the kind fixes it (given here only to read well at the call). */
  unit?: JobUnit<K>;
  total?: number | null;
  /** The work calls ctx.checkpoint() between steps, so it can be paused there. */
  pausable?: boolean;
}

export interface JobRunnerOptions {
  /** How many jobs run at once; the rest wait in submission order. */
  concurrency?: number;
  /** Told about a job's unexpected exception (not an AppError) before clients get a generic INTERNAL error. */
  onInternalError?: (error: unknown, job: { kind: JobKind; label: string }) => void;
  /** Turns an exception the engine can explain (a full disk, a read-only folder) into an AppError for the job's error. */
  explain?: (error: unknown) => AppError | null;
  /** Minimum milliseconds between two progress events of one job (state changes always go out). */
  progressIntervalMs?: number;
  /** How many finished jobs stay listed. */
  keepFinished?: number;
  now?: () => number;
}

/** A failure reason as data: AppErrors keep their code; anything else becomes INTERNAL with its message (not for clients: see jobFailure). */
export function toWireError(error: unknown): WireError {
  if (error instanceof AppError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message || 'The job failed without a reason.' };
}

/** A job's cancel signal: every file a job reads at once listens to it (16 in a batch), which is not a leak. */
export function jobController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(256, controller.signal);
  return controller;
}

/**
 * Why a job failed, as clients see it: AppErrors (and what `explain` can turn into one) pass through; anything else is
 * an internal error, logged and answered with a generic INTERNAL error, like the dispatcher does for calls.
 */
export function jobFailure(
  error: unknown,
  job: { kind: JobKind; label: string },
  explain: (error: unknown) => AppError | null,
  onInternalError: (error: unknown, job: { kind: JobKind; label: string }) => void,
): WireError {
  if (error instanceof AppError) return error.toJSON();
  const explained = explain(error);
  if (explained) return explained.toJSON();
  onInternalError(error, job);
  return { code: 'INTERNAL', message: `${job.label} failed unexpectedly. The studio logged the details.` };
}

/** Where a job's internal errors go when the engine says nothing else: the host's log (its stderr). */
export function logJobError(error: unknown, job: { kind: JobKind; label: string }): void {
  process.stderr.write(`[engine] job ${job.kind} (${job.label}) failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}
