import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '@contract';
import { evaluateGrounding, groundingMarkdown } from '../eval/grounding';
import { markdownTable, metricsJson } from '../eval/report';
import { runEval } from '../eval/run-eval';
import { type Command, numberOf, optionalPath, print, str, weightsOf } from './shared';

/** eval: Recall@K / MRR on CIRR, FashionIQ and PerVL-style sets. */
export const evalCommands: Record<string, Command> = {
  eval: async (_dispatch, engine, opts) => {
    const [dataset] = opts.args;
    if (dataset === 'grounding') {
      const report = await evaluateGrounding((line) => process.stderr.write(`${line}\n`), numberOf(opts.values, 'guidance') ?? 7.5, numberOf(opts.values, 'steps') ?? 20);
      return print(opts, report, groundingMarkdown(report));
    }
    const data = str(opts.values, 'data');
    if (!dataset || !data) throw new AppError('INVALID_PARAMS', 'Usage: eval cirr|fashioniq|pervl --data DIR, or eval grounding (see --help)');
    const { report, files } = await runEval(
      engine,
      {
        dataset,
        data: resolve(data),
        split: str(opts.values, 'split'),
        images: optionalPath(opts.values, 'images'),
        composer: str(opts.values, 'composer'),
        weights: weightsOf(opts.values),
        steps: numberOf(opts.values, 'steps'),
        limit: numberOf(opts.values, 'limit'),
        categories: str(opts.values, 'categories')?.split(','),
        submission: optionalPath(opts.values, 'submission'),
        cache: optionalPath(opts.values, 'cache'),
        dimensions: numberOf(opts.values, 'dimensions'),
      },
      (line) => process.stderr.write(`${line}\n`),
    );
    const table = markdownTable(report);
    const out = optionalPath(opts.values, 'out');
    if (out) {
      await mkdir(out, { recursive: true });
      await writeFile(join(out, `${report.dataset}.json`), `${JSON.stringify(metricsJson(report), null, 2)}\n`);
      await writeFile(join(out, `${report.dataset}.md`), `${table}\n`);
    }
    for (const file of files) process.stderr.write(`Wrote ${file}\n`);
    print(opts, metricsJson(report), table);
  },
};
