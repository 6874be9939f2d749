/** Timing helpers for benchmarks: warm up, then sample latency per operation. */

export interface Sample {
  suite: string;
  variant: string;
  iterations: number;
  opsPerSec: number;
  /** Items per second when one operation handles several (e.g. images in a batch). */
  itemsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
}

function percentile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

/** Runs `op` `warmup` times unmeasured, then `iterations` times measured one by one. */
export async function measure(
  suite: string,
  variant: string,
  op: () => Promise<unknown>,
  iterations = 2000,
  warmup = 200,
  itemsPerOp = 1,
): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await op();
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await op();
    times.push(performance.now() - t0);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  return {
    suite,
    variant,
    iterations,
    opsPerSec: Math.round((iterations * 1000) / total),
    itemsPerSec: Math.round((iterations * itemsPerOp * 10_000) / total) / 10,
    p50Ms: round(percentile(times, 0.5)),
    p95Ms: round(percentile(times, 0.95)),
    meanMs: round(total / iterations),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A markdown table with each variant's p50 as a ratio to the suite's first (baseline) variant. */
export function markdownTable(samples: Sample[]): string {
  const baseline = new Map<string, number>();
  for (const s of samples) if (!baseline.has(s.suite)) baseline.set(s.suite, s.p50Ms);
  const rows = samples.map((s) => {
    const ratio = s.p50Ms / (baseline.get(s.suite) || 1);
    return `| ${s.suite} | ${s.variant} | ${s.iterations} | ${s.opsPerSec} | ${s.itemsPerSec} | ${s.p50Ms} | ${s.p95Ms} | ${ratio.toFixed(2)}× |`;
  });
  return ['| suite | variant | n | ops/s | items/s | p50 ms | p95 ms | p50 vs baseline |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}
