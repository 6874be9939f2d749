import { describe, expect, it } from 'vitest';
import { JOB_KINDS, jobKinds, type JobKindTable, type JobResult } from './job-kinds';
import { JobSchema, jobSchemaOf, isJobOf, type Job, type JobOf } from './jobs';

const base = { id: 'j1', label: 'A job', cancelRequested: false, pausable: false, createdAt: 1, startedAt: 2, finishedAt: 3, error: null };
const progress = (unit: string) => ({ done: 1, total: 1, unit, rate: null, etaSeconds: 0 });
const refreshed = { added: 1, changed: 0, removed: 0, moved: 0, indexed: 1, failed: 0, embedded: 1, problems: [] };

describe('job kinds on the wire', () => {
  it('parses a job of a kind with that kind’s unit and result', () => {
    const job = JobSchema.parse({ ...base, kind: 'library.refresh', state: 'done', progress: progress('images'), result: refreshed });
    expect(job.kind).toBe('library.refresh');
    if (job.kind !== 'library.refresh') throw new Error('narrowing');
    // Narrowed by kind: the result is a refresh summary (or null), no cast.
    expect(job.result?.indexed).toBe(1);
  });

  it('refuses a result that is not its kind’s, an unknown kind, and a unit its kind does not count', () => {
    const wrongResult = { ...base, kind: 'library.refresh', state: 'done', progress: progress('images'), result: { report: 'x' } };
    expect(JobSchema.safeParse(wrongResult).success).toBe(false);
    expect(JobSchema.safeParse({ ...base, kind: 'library.reindex', state: 'queued', progress: progress('images'), result: null }).success).toBe(false);
    expect(JobSchema.safeParse({ ...base, kind: 'models.download', state: 'running', progress: progress('images'), result: null }).success).toBe(false);
  });

  it('accepts a null result for every kind until it is done', () => {
    for (const kind of JOB_KINDS) {
      const parsed = JobSchema.safeParse({ ...base, kind, state: 'running', progress: progress(jobKinds[kind].unit), result: null });
      expect(parsed.success, kind).toBe(true);
    }
  });

  it('narrows a job to one kind with isJobOf, and the kind’s schema refuses the others', () => {
    const job: Job = { ...base, kind: 'library.vectors', state: 'done', progress: { ...progress('steps'), unit: 'steps' }, result: { report: 'ok' } };
    expect(isJobOf(job, 'library.vectors') && job.result?.report).toBe('ok');
    expect(isJobOf(job, 'edit.turn')).toBe(false);
    expect(jobSchemaOf('edit.turn').safeParse(job).success).toBe(false);
  });
});

// Compile-time checks (tsc reads this file): each @ts-expect-error fails `npm run typecheck` if the line compiles.
export function typeChecks(job: Job, table: JobKindTable<string>): void {
  // @ts-expect-error a table over job kinds that misses one (a kind added to the contract) does not compile
  const partial: JobKindTable<string> = { 'library.refresh': () => '' };
  // @ts-expect-error a job's result is not readable as any kind's until narrowed on kind
  void job.result?.indexed;
  if (job.kind === 'diagnostics.disk-check') {
    const speed: number | undefined = job.result?.writeMBps;
    void speed;
  }
  // @ts-expect-error a kind the contract does not know is not a job kind
  const unknown: JobOf<'library.reindex'> | null = null;
  // @ts-expect-error an entry gets its own kind's result, not another's
  const wrong: JobKindTable<string>['edit.turn'] = (r: JobResult<'library.refresh'>) => String(r.indexed);
  void [partial, unknown, wrong, table];
}
