import { describe, expect, it } from 'vitest';
import { JobRunner } from './runner';

const tick = () => new Promise((r) => setTimeout(r, 0));

function record(runner: JobRunner) {
  const events: { state: string }[] = [];
  runner.onUpdate((job) => events.push(job));
  return events;
}

describe('JobRunner pause and resume', () => {
  async function stepped(runner: JobRunner, steps: number) {
    let step = 0;
    let gate: () => void = () => {};
    const job = runner.submit({ kind: 'library.vectors', label: 'Stepped', total: steps, pausable: true }, async (ctx) => {
      for (step = 0; step < steps; ) {
        await ctx.checkpoint();
        await new Promise<void>((r) => (gate = r));
        ctx.progress(++step);
      }
      return { report: `${step}` };
    });
    const advance = async () => {
      await tick();
      gate();
      await tick();
    };
    return { job, advance, done: () => step };
  }

  it('stops at the next checkpoint while paused, keeps its place, and finishes after resume', async () => {
    const runner = new JobRunner({ progressIntervalMs: 0 });
    const events = record(runner);
    const { job, advance, done } = await stepped(runner, 4);
    await advance();
    expect(done()).toBe(1);
    expect(runner.pause(job.id).state).toBe('paused');
    await advance(); // the step under way completes…
    await advance(); // …but no new step starts
    expect(done()).toBe(2);
    expect(runner.get(job.id)).toMatchObject({ state: 'paused', progress: { done: 2, rate: null, etaSeconds: null } });
    expect(runner.resume(job.id).state).toBe('running');
    for (let i = 0; i < 3; i++) await advance();
    const final = await runner.settled(job.id);
    expect(final).toMatchObject({ state: 'done', result: { report: '4' } });
    expect(events.map((e) => e.state)).toContain('paused');
  });

  it('cancels a paused job', async () => {
    const runner = new JobRunner();
    const { job, advance } = await stepped(runner, 3);
    await advance();
    runner.pause(job.id);
    await advance();
    runner.cancel(job.id);
    expect((await runner.settled(job.id)).state).toBe('cancelled');
  });

  it('refuses to pause a job that has no checkpoints', async () => {
    const runner = new JobRunner();
    const job = runner.submit({ kind: 'library.vectors', label: 'Plain' }, () => new Promise(() => {}));
    expect(() => runner.pause(job.id)).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
  });
});
