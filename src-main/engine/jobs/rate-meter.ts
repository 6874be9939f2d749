/**
 * Measures progress speed over a sliding time window, so the rate (and the ETA derived from it)
 * follows recent speed rather than the average since the start.
 */
export class RateMeter {
  private samples: { t: number; done: number }[] = [];

  constructor(private readonly windowMs = 10_000) {}

  add(t: number, done: number): void {
    this.samples.push({ t, done });
    const cutoff = t - this.windowMs;
    // Keep one sample older than the window so the window is always fully spanned.
    while (this.samples.length > 2 && this.samples[1]!.t <= cutoff) this.samples.shift();
  }

  /** Units per second, or null until two samples with time between them exist. */
  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t <= first.t) return null;
    return Math.max(0, ((last.done - first.done) * 1000) / (last.t - first.t));
  }

  /** Seconds left for `total`, or null when unknown (no total, no rate, or stalled). */
  eta(done: number, total: number | null): number | null {
    if (total === null) return null;
    if (done >= total) return 0;
    const rate = this.rate();
    if (!rate) return null;
    return (total - done) / rate;
  }
}
