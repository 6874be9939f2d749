import { z } from 'zod';
import { WireErrorSchema } from './errors';
import { jobKinds, type JobKind, type JobKinds, type JobResult, type JobUnit } from './job-kinds';

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

const JobBaseSchema = z.object({
  id: z.string(),
  label: z.string(),
  state: JobStateSchema,
  /** True once cancel was asked for a running job that has not stopped yet. */
  cancelRequested: z.boolean(),
  /** Whether the job can be paused (it checks in between steps). */
  pausable: z.boolean(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  error: WireErrorSchema.nullable(),
});

/** The wire shape of one kind of job: its progress counts the kind's unit; its result is the kind's (null until done). */
export function jobSchemaOf<K extends JobKind>(kind: K) {
  const { unit, result } = jobKinds[kind] as { unit: JobUnit<K>; result: JobKinds[K]['result'] };
  return JobBaseSchema.extend({
    kind: z.literal(kind),
    progress: JobProgressSchema.extend({ unit: z.literal(unit) }),
    result: z.nullable(result),
  });
}

const jobSchemas = [
  jobSchemaOf('library.refresh'),
  jobSchemaOf('library.vectors'),
  jobSchemaOf('library.near-duplicates'),
  jobSchemaOf('models.download'),
  jobSchemaOf('diagnostics.disk-check'),
  jobSchemaOf('concepts.teach'),
  jobSchemaOf('concepts.previews'),
  jobSchemaOf('edit.turn'),
] as const;
// Every kind of the map is in the union (a kind left out here fails to compile).
const everyKind: Exclude<JobKind, z.output<(typeof jobSchemas)[number]>['kind']> extends never ? true : never = true;
void everyKind;

/** A job on the wire: a union discriminated by `kind`, so narrowing on kind types its progress unit and result. */
export const JobSchema = z.discriminatedUnion('kind', jobSchemas);

/** The job of one kind (narrow a Job with `job.kind === K` or isJobOf); written out so that generic code over K reads its result. */
export type JobOf<K extends JobKind> = z.output<typeof JobBaseSchema> & {
  kind: K;
  progress: JobProgress & { unit: JobUnit<K> };
  result: JobResult<K> | null;
};
export type Job = { [K in JobKind]: JobOf<K> }[JobKind];

// Job is exactly what JobSchema parses (either one changed alone fails to compile).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameAsSchema: Same<Job, z.output<typeof JobSchema>> = true;
void sameAsSchema;

export function isJobOf<K extends JobKind>(job: Job, kind: K): job is Job & JobOf<K> {
  return job.kind === kind;
}

export function isFinished(state: JobState): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}
