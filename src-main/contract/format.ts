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

/** A size in bytes as people read it: 1.7 GB, 608 MB, 2.4 MB, 4 KB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e7) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}

/** An exposure time as photographers write it: 1/250 s, 2.5 s. */
export function formatShutter(seconds: number): string {
  return seconds >= 0.3 ? `${Number(seconds.toFixed(1))} s` : `1/${Math.round(1 / seconds)} s`;
}

/** ISO 200 · f/2.8 · 1/250 s · 35 mm — the parts a photo records. */
export function formatExposure(e: { iso: number | null; aperture: number | null; shutter: number | null; focalLength: number | null }): string {
  return [e.iso ? `ISO ${Math.round(e.iso)}` : null, e.aperture ? `f/${Number(e.aperture.toFixed(1))}` : null, e.shutter ? formatShutter(e.shutter) : null, e.focalLength ? `${Number(e.focalLength.toFixed(1))} mm` : null]
    .filter(Boolean)
    .join(' · ');
}

/** Where a photo's thumbnail and image vectors came from, when not from the full image: "Indexed from the camera’s embedded 1620 × 1080 preview". */
export function formatIndexedFrom(preview: { width: number; height: number } | null): string | null {
  // No-break spaces keep the size on one line in a narrow panel.
  return preview ? `Indexed from the camera’s embedded ${preview.width}\u00a0×\u00a0${preview.height} preview` : null;
}
