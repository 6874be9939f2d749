import { formatBytes, type JobKind, type JobKindTable, type JobOf } from '@contract';

/** A finished job's result in a few words for the job tray: one entry per kind, so a new kind does not compile without one. */
export const jobSummaries: JobKindTable<string> = {
  'library.refresh': (r) => `${r.indexed} indexed, ${r.moved} moved, ${r.removed} removed${r.failed ? `, ${r.failed} failed` : ''}`,
  'library.vectors': () => 'Search index rebuilt',
  'library.near-duplicates': (groups) => (groups.length === 0 ? 'No near-duplicates' : `${groups.length} group${groups.length === 1 ? '' : 's'} of near-duplicates`),
  'models.download': (r) => (r.files === 0 ? `Already installed (${r.variant})` : `${formatBytes(r.bytes)} downloaded and verified (${r.variant})`),
  'diagnostics.disk-check': (r) => `Writes at ${r.writeMBps} MB/s, reads at ${r.readMBps} MB/s`,
  'concepts.teach': (c) => `*${c.name} learned (accuracy ${(100 * c.stats.accuracy).toFixed(0)} %)`,
  'concepts.previews': (r) => `${r.previews.length} preview${r.previews.length === 1 ? '' : 's'} of *${r.name}`,
  'edit.turn': (view) => `New turn in “${view.name}”`,
};

/** The summary of a done job's result, or null while it has none. */
export function jobSummary<K extends JobKind>(job: JobOf<K>): string | null {
  return job.state === 'done' && job.result !== null ? jobSummaries[job.kind](job.result) : null;
}
