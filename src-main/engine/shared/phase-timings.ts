import { performance } from 'node:perf_hooks';

/**
 * Where a launch spends its time, for the cold-start benchmark: with STUDIO_PHASE_TIMINGS=1 each `phaseDone(name)`
 * records the time since the previous one (the first since Node finished bootstrapping, i.e. loading the entry's
 * modules), and the CLI prints the list to stderr before it exits. Without the variable, marks cost one comparison.
 */
const enabled = Boolean(process.env.STUDIO_PHASE_TIMINGS);
const phases: { name: string; ms: number }[] = [];
let last: number | null = null;

export function phaseDone(name: string): void {
  if (!enabled) return;
  const now = performance.now();
  if (last === null) {
    const booted = performance.nodeTiming.bootstrapComplete;
    phases.push({ name: 'node start (to bootstrap complete)', ms: booted });
    last = booted;
  }
  phases.push({ name, ms: now - last });
  last = now;
}

/** The phases so far, or null when timings are off. */
export function phaseTimings(): { name: string; ms: number }[] | null {
  return enabled ? phases.map((p) => ({ name: p.name, ms: Math.round(p.ms * 10) / 10 })) : null;
}

/** The prefix of the stderr line that carries the timings as JSON. */
export const PHASE_TIMINGS_PREFIX = 'studio-phase-timings ';
