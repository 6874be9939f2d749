import { formatAmount as round, formatDuration, type Job } from '@contract';

/** One line: label, bar, done/total unit, rate, ETA. */
export function renderProgressLine(job: Job, width = 24): string {
  const { done, total, unit, rate, etaSeconds } = job.progress;
  const fraction = total ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const bar = total ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(fraction * 100)}%`.padEnd(width + 7) : '[working…]';
  const amount = total === null ? `${round(done)} ${unit}` : `${round(done)}/${round(total)} ${unit}`;
  const speed = rate === null ? '' : ` · ${round(rate)} ${unit}/s`;
  return `${job.label} ${bar} ${amount}${speed} · ETA ${formatDuration(etaSeconds)}`;
}
