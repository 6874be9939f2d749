import { z } from 'zod';
import { WireErrorSchema } from './errors';

export const JOB_STATES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export const JobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobStateSchema>;

export const JobProgressSchema = z.object({
  done: z.number().nonnegative(),
  /** null while the amount of work is not yet known. */
  total: z.number().nonnegative().nullable(),
  /** What `done` and `total` count, e.g. "MB", "images", "steps". */
  unit: z.string(),
  /** Units per second over the recent window; null until measurable. */
  rate: z.number().nonnegative().nullable(),
  /** Seconds until done at the current rate; null when unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const JobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  label: z.string(),
  state: JobStateSchema,
  /** True once cancel was asked for a running job that has not stopped yet. */
  cancelRequested: z.boolean(),
  /** Whether the job can be paused (it checks in between steps). */
  pausable: z.boolean(),
  progress: JobProgressSchema,
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  error: WireErrorSchema.nullable(),
  result: z.unknown(),
});
export type Job = z.infer<typeof JobSchema>;

export function isFinished(state: JobState): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}
