import { describe, expect, it, vi } from 'vitest';
import { AppError, type Job } from '@contract';
import { JobRunner, type JobContext } from './runner';

/** A job body that advances only when the test says so. */
function steppedWork(steps: number) {
  let release: (() => void) | null = null;
  const gates: Promise<void>[] = [];
  let started!: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  const next = () => {
    const r = release;
    release = null;
    r?.();
  };
  const work = async (ctx: JobContext) => {
    started();
    for (let i = 1; i <= steps; i++) {
      const gate = new Promise<void>((r) => (release = r));
      gates.push(gate);
      await Promise.race([gate, new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)))]);
      ctx.progress(i, steps);
    }
    return { report: `${steps} steps` };
  };
  return { work, next, started: startedP };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function record(runner: JobRunner) {
  const events: Job[] = [];
  runner.onUpdate((job) => events.push(job));
  return events;
}

describe('JobRunner', () => {
  it('emits queued → running → progress in order → done, with the result', async () => {
    const runner = new JobRunner({ progressIntervalMs: 0 });
    const events = record(runner);
    const job = runner.submit({ kind: 'library.vectors', label: 'Count', unit: 'steps', total: 3 }, async (ctx) => {
      for (let i = 1; i <= 3; i++) ctx.progress(i);
      return { report: 'ok' };
    });
    const final = await runner.settled(job.id);
    expect(final.state).toBe('done');
    expect(final.result).toEqual({ report: 'ok' });
    expect(events.map((e) => e.state)).toEqual(['queued', 'running', 'running', 'running', 'running', 'done']);
    expect(events.filter((e) => e.state === 'running').map((e) => e.progress.done)).toEqual([0, 1, 2, 3]);
    expect(events.every((e) => e.progress.unit === 'steps')).toBe(true);
  });

  it('reports rate and ETA from a clock', async () => {
    let now = 0;
    const runner = new JobRunner({ progressIntervalMs: 0, now: () => now });
    const events = record(runner);
    const job = runner.submit({ kind: 'library.vectors', label: 'Timed', total: 100 }, async (ctx) => {
      now = 2000;
      ctx.progress(20);
      now = 4000;
      ctx.progress(40);
      return { report: '' };
    });
    await runner.settled(job.id);
    const at40 = events.find((e) => e.progress.done === 40 && e.state === 'running')!;
    expect(at40.progress.rate).toBe(10);
    expect(at40.progress.etaSeconds).toBe(6);
  });

  it('throttles progress events but never drops the final one', async () => {
    const runner = new JobRunner({ progressIntervalMs: 60_000 });
    const events = record(runner);
    const job = runner.submit({ kind: 'library.vectors', label: 'Many', total: 1000 }, async (ctx) => {
      for (let i = 1; i <= 1000; i++) ctx.progress(i);
      return { report: '' };
    });
    await runner.settled(job.id);
    const running = events.filter((e) => e.state === 'running');
    expect(running.length).toBeLessThan(5);
    expect(running.at(-1)!.progress.done).toBe(1000);
  });

  it('runs at most `concurrency` jobs at once, in submission order', async () => {
    const runner = new JobRunner({ concurrency: 1, progressIntervalMs: 0 });
    const a = steppedWork(1);
    const b = steppedWork(1);
    const jobA = runner.submit({ kind: 'library.vectors', label: 'A' }, a.work);
    const jobB = runner.submit({ kind: 'library.vectors', label: 'B' }, b.work);
    await a.started;
    expect(runner.get(jobA.id).state).toBe('running');
    expect(runner.get(jobB.id).state).toBe('queued');
    a.next();
    await runner.settled(jobA.id);
    await b.started;
    expect(runner.get(jobB.id).state).toBe('running');
    b.next();
    expect((await runner.settled(jobB.id)).state).toBe('done');
  });

  it('cancels a running job through its signal, and the next queued job starts', async () => {
    const runner = new JobRunner({ concurrency: 1, progressIntervalMs: 0 });
    const events = record(runner);
    const a = steppedWork(10);
    const b = steppedWork(1);
    const jobA = runner.submit({ kind: 'library.vectors', label: 'A' }, a.work);
    const jobB = runner.submit({ kind: 'library.vectors', label: 'B' }, b.work);
    await a.started;
    a.next();
    await tick();
    const afterCancel = runner.cancel(jobA.id);
    expect(afterCancel.cancelRequested).toBe(true);
    const final = await runner.settled(jobA.id);
    expect(final.state).toBe('cancelled');
    expect(final.error).toBeNull();
    expect(final.progress.done).toBe(1);
    expect(events.some((e) => e.id === jobA.id && e.cancelRequested && e.state === 'running')).toBe(true);
    await b.started;
    b.next();
    expect((await runner.settled(jobB.id)).state).toBe('done');
  });

  it('cancels a queued job without ever running it', async () => {
    const runner = new JobRunner({ concurrency: 1 });
    const a = steppedWork(1);
    let ranB = false;
    const jobA = runner.submit({ kind: 'library.vectors', label: 'A' }, a.work);
    const jobB = runner.submit({ kind: 'library.vectors', label: 'B' }, async () => {
      ranB = true;
      return { report: 'B' };
    });
    expect(runner.cancel(jobB.id).state).toBe('cancelled');
    await a.started;
    a.next();
    await runner.settled(jobA.id);
    await tick();
    expect(ranB).toBe(false);
  });

  it('records a failure with its reason and keeps running other jobs', async () => {
    const logged: [unknown, string][] = [];
    const runner = new JobRunner({ concurrency: 1, onInternalError: (error, job) => logged.push([error, job.kind]) });
    const bad = runner.submit({ kind: 'library.vectors', label: 'Bad' }, async () => {
      throw new AppError('INSUFFICIENT_SPACE', 'Not enough free space.', { needed: 10 });
    });
    const weird = runner.submit({ kind: 'library.vectors', label: 'Weird' }, async () => {
      throw new TypeError('x is not a function');
    });
    const good = runner.submit({ kind: 'library.vectors', label: 'Good' }, async () => ({ report: '42' }));
    expect((await runner.settled(bad.id)).error).toEqual({
      code: 'INSUFFICIENT_SPACE',
      message: 'Not enough free space.',
      details: { needed: 10 },
    });
    const weirdFinal = await runner.settled(weird.id);
    expect(weirdFinal.state).toBe('failed');
    // An internal error is logged for the studio, and clients get a generic explanation, not the raw message.
    expect(weirdFinal.error).toEqual({ code: 'INTERNAL', message: 'Weird failed unexpectedly. The studio logged the details.' });
    expect(logged).toEqual([[expect.objectContaining({ message: 'x is not a function' }), 'library.vectors']]);
    expect((await runner.settled(good.id)).result).toEqual({ report: '42' });
  });

  it('passes what `explain` makes of an error (a full disk) to clients instead of hiding it', async () => {
    const onInternalError = vi.fn();
    const explain = (error: unknown) => ((error as NodeJS.ErrnoException).code === 'ENOSPC' ? new AppError('INSUFFICIENT_SPACE', 'The data folder is full.') : null);
    const runner = new JobRunner({ explain, onInternalError });
    const job = runner.submit({ kind: 'library.vectors', label: 'Full' }, async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    expect((await runner.settled(job.id)).error).toEqual({ code: 'INSUFFICIENT_SPACE', message: 'The data folder is full.' });
    expect(onInternalError).not.toHaveBeenCalled();
  });

  it('throws NOT_FOUND for unknown ids and ignores cancel on finished jobs', async () => {
    const runner = new JobRunner();
    expect(() => runner.cancel('nope')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
    const job = runner.submit({ kind: 'library.vectors', label: 'Quick' }, async () => ({ report: '1' }));
    await runner.settled(job.id);
    expect(runner.cancel(job.id).state).toBe('done');
  });

  it('submitOnce returns the unfinished job under the same key, and starts anew once it has finished', async () => {
    const runner = new JobRunner();
    const a = steppedWork(1);
    const first = runner.submitOnce('k', { kind: 'library.vectors', label: 'A' }, a.work);
    const again = runner.submitOnce('k', { kind: 'library.vectors', label: 'A again' }, async () => ({ report: 'never' }));
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, job: { id: first.job.id } });
    expect(runner.unfinished('k')?.id).toBe(first.job.id);
    await a.started;
    a.next();
    await runner.settled(first.job.id);
    expect(runner.unfinished('k')).toBeUndefined();
    const later = runner.submitOnce('k', { kind: 'library.vectors', label: 'B' }, async () => ({ report: '1' }));
    expect(later.created).toBe(true);
    expect(later.job.id).not.toBe(first.job.id);
  });

  it('keeps only the newest finished jobs', async () => {
    const runner = new JobRunner({ keepFinished: 2, concurrency: 1 });
    const ids = [];
    for (let i = 0; i < 4; i++) {
      const job = runner.submit({ kind: 'library.vectors', label: `J${i}` }, async () => ({ report: `${i}` }));
      ids.push(job.id);
      await runner.settled(job.id);
    }
    expect(runner.list().map((j) => j.label).sort()).toEqual(['J2', 'J3']);
  });

  it('shutdown cancels running and queued jobs and waits for them', async () => {
    const runner = new JobRunner({ concurrency: 1 });
    const a = steppedWork(5);
    const jobA = runner.submit({ kind: 'library.vectors', label: 'A' }, a.work);
    const jobB = runner.submit({ kind: 'library.vectors', label: 'B' }, async () => ({ report: '1' }));
    await a.started;
    await runner.shutdown();
    expect(runner.get(jobA.id).state).toBe('cancelled');
    expect(runner.get(jobB.id).state).toBe('cancelled');
  });

  it('shutdown does not wait for ever on a job stuck in a call that ignores cancel', async () => {
    const runner = new JobRunner({ concurrency: 1 });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const stuck = runner.submit({ kind: 'library.vectors', label: 'Stuck' }, () => {
      started();
      return new Promise(() => {}); // like a read() on a hung network share
    });
    await running;
    await runner.shutdown(20);
    expect(runner.get(stuck.id).cancelRequested).toBe(true);
  });

  it('a throwing listener does not break the job', async () => {
    const runner = new JobRunner();
    runner.onUpdate(() => {
      throw new Error('listener bug');
    });
    const job = runner.submit({ kind: 'library.vectors', label: 'X' }, async () => ({ report: 'fine' }));
    expect((await runner.settled(job.id)).state).toBe('done');
  });
});

// Compile-time checks (tsc reads this file): each @ts-expect-error fails `npm run typecheck` if the line compiles.
export function submitTypeChecks(runner: JobRunner): void {
  // @ts-expect-error a kind missing from the contract's jobKinds cannot be submitted
  runner.submit({ kind: 'library.reindex', label: 'x' }, async () => ({ report: '' }));
  // @ts-expect-error the work must return its kind's result (library.vectors returns { report })
  runner.submit({ kind: 'library.vectors', label: 'x' }, async () => 42);
  // @ts-expect-error the unit is the kind's (a model download counts MB)
  runner.submit({ kind: 'models.download', label: 'x', unit: 'images' }, async () => ({ files: 0, bytes: 0, variant: 'fp32' as const }));
  const job = runner.submit({ kind: 'library.vectors', label: 'x' }, async () => ({ report: '' }));
  // The returned job is of that kind: its result reads without a cast.
  const report: string | undefined = job.result?.report;
  void report;
}
