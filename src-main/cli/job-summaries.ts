import { formatBytes, type JobKind, type JobKindTable, type JobResult } from '@contract';

/** What the CLI prints when a job of each kind is done: one entry per kind, so a new kind does not compile without one. */
export const jobSummaries: JobKindTable<string> = {
  'library.refresh': (r) => {
    const problems = r.problems.map((p) => `\n  ! ${p.path}: ${p.message}`).join('');
    return `Indexed ${r.indexed} new or changed, ${r.moved} moved, ${r.removed} removed, ${r.failed} failed; ${r.embedded} embedded.${problems}`;
  },
  'library.vectors': (r) => `Search index rebuilt.${r.report ? `\n${r.report}` : ''}`,
  'library.near-duplicates': (groups) =>
    groups.length === 0 ? 'No near-duplicates.' : groups.map((g, i) => `Group ${i + 1}:${g.map((item) => `\n  ${item.path}`).join('')}`).join('\n'),
  'models.download': (r) => (r.files === 0 ? `Already installed (${r.variant}).` : `${r.files} files (${formatBytes(r.bytes)}, ${r.variant}) downloaded and verified.`),
  'diagnostics.disk-check': (r) => `Data folder check passed: ${r.megabytes} MB written at ${r.writeMBps} MB/s (synced), read back at ${r.readMBps} MB/s, verified.`,
  'concepts.teach': (c) => `*${c.name} (${c.parent}): loss ${c.stats.loss.toFixed(3)}, accuracy ${(100 * c.stats.accuracy).toFixed(0)} %.`,
  'concepts.previews': (r) => `${r.previews.length} previews of *${r.name}.`,
  'edit.turn': (view) => `Turn ${view.cursor} of “${view.name}”.`,
};

export function summarizeResult<K extends JobKind>(kind: K, result: JobResult<K>): string {
  return jobSummaries[kind](result);
}
