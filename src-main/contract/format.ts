/** Shared wording for numbers a user reads, so the CLI and the UI say the same thing. */

/** mm:ss, or h:mm:ss past an hour; "--:--" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/** Whole numbers as they are, others with one decimal. */
export function formatAmount(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}
