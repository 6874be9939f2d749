import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvalReport } from './eval-context';

const TITLES = { cirr: 'CIRR', fashioniq: 'FashionIQ', pervl: 'PerVL-style concept retrieval' } as const;

/** The metrics as a markdown table: one row per method, percentages with one decimal. */
export function markdownTable(report: EvalReport): string {
  const head = `| method | ${report.columns.join(' | ')} |`;
  const rule = `|---|${report.columns.map(() => '---:').join('|')}|`;
  const rows = report.methods.map((m) => `| ${m.name} | ${report.columns.map((c) => (m.metrics[c] === undefined ? '—' : m.metrics[c]!.toFixed(1))).join(' | ')} |`);
  return [
    `### ${TITLES[report.dataset]} (${report.split}): ${report.queries} queries over ${report.gallery} images`,
    '',
    head,
    rule,
    ...rows,
    '',
    `Model: ${report.model}. ${report.seconds.toFixed(1)} s.`,
  ].join('\n');
}

/** The metrics without the per-query rankings. */
export function metricsJson(report: EvalReport): Omit<EvalReport, 'rankings'> {
  const { rankings: _rankings, ...rest } = report;
  return rest;
}

/**
 * CIRR test-server files (github.com/Cuberick-Orion/CIRR, "Test-split Server"): recall_submission_<name>.json with the
 * top 50 ids per pair, recall_subset_submission_<name>.json with the top 3 within each img_set.
 */
export async function writeCirrSubmission(report: EvalReport, method: string, dir: string): Promise<string[]> {
  const ranking = report.rankings?.[method];
  if (!ranking) throw new Error(`no rankings for ${method}`);
  await mkdir(dir, { recursive: true });
  const name = method.replace(/[^\w-]+/g, '_');
  const files = [join(dir, `recall_submission_${name}.json`), join(dir, `recall_subset_submission_${name}.json`)];
  const recall = { version: 'rc2', metric: 'recall', ...Object.fromEntries(ranking.map((r) => [String(r.pairid), r.top])) };
  const subset = { version: 'rc2', metric: 'recall_subset', ...Object.fromEntries(ranking.map((r) => [String(r.pairid), r.subset])) };
  await writeFile(files[0]!, JSON.stringify(recall));
  await writeFile(files[1]!, JSON.stringify(subset));
  return files;
}
