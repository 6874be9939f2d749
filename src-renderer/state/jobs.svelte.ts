import { isFinished, type Job, explainError, type Problem } from '@contract';
import type { StudioClient } from '../api/client';

/** Live list of jobs, newest first, kept current by job.progress events. */
export class JobsState {
  jobs = $state<Job[]>([]);
  active = $derived(this.jobs.filter((j) => !isFinished(j.state)));
  error = $state<Problem | null>(null);

  constructor(private readonly client?: StudioClient) {
    client?.on('job.progress', (job) => this.apply(job));
    client?.onStatus((status) => {
      if (status === 'open') void this.load();
    });
  }

  /** Inserts or replaces a job; stale events (older than what is shown) are ignored. */
  apply(job: Job): void {
    const index = this.jobs.findIndex((j) => j.id === job.id);
    if (index === -1) {
      this.jobs = [job, ...this.jobs].sort((a, b) => b.createdAt - a.createdAt);
      return;
    }
    const current = this.jobs[index]!;
    if (isFinished(current.state) && !isFinished(job.state)) return;
    this.jobs[index] = job;
  }

  async load(): Promise<void> {
    if (!this.client) return;
    try {
      const jobs = await this.client.call('jobs.list', {});
      this.jobs = [];
      for (const job of jobs) this.apply(job);
    } catch (error) {
      this.error = explainError(error);
    }
  }

  cancel(id: string): Promise<void> {
    return this.act('jobs.cancel', id);
  }

  pause(id: string): Promise<void> {
    return this.act('jobs.pause', id);
  }

  resume(id: string): Promise<void> {
    return this.act('jobs.resume', id);
  }

  private async act(method: 'jobs.cancel' | 'jobs.pause' | 'jobs.resume', id: string): Promise<void> {
    if (!this.client) return;
    try {
      this.apply(await this.client.call(method, { id }));
    } catch (error) {
      this.error = explainError(error);
    }
  }
}
