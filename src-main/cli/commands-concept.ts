import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppError, type Concept } from '@contract';
import { callDirect } from '../host/dispatcher';
import { type Command, follow, numberOf, outputFile, print, readUserFile, reportJob, str, upload } from './shared';

/** concept teach / list / export / import. */
export const conceptCommands: Record<string, Command> = {
  concept: async (dispatch, engine, opts) => {
    const [sub, ...rest] = opts.args;
    const card = (c: Concept) =>
      `*${c.name} (${c.parent}, ${c.model}) — ${c.attributes.slice(0, 5).map((a) => a.word).join(', ')} · loss ${c.stats.loss.toFixed(3)}, accuracy ${(100 * c.stats.accuracy).toFixed(0)} %, ${c.stats.generations} generations, ${c.stats.textsEncoded} texts encoded, ${c.stats.seconds.toFixed(1)} s, ${c.stats.negatives} negatives`;
    if (sub === 'teach') {
      const name = str(opts.values, 'name');
      const parent = str(opts.values, 'parent');
      if (!name || !parent || rest.length === 0) throw new AppError('INVALID_PARAMS', 'Usage: concept teach --name NAME --parent WORD PHOTO…');
      const photos = await Promise.all(rest.map(async (file) => ({ uploadId: await upload(engine, file) })));
      const job = await follow(
        engine,
        await callDirect(dispatch, 'concepts.teach', { name, parent, photos, seed: numberOf(opts.values, 'seed') ?? 0, generateNegatives: opts.values['generate-negatives'] === true }),
      );
      return reportJob(opts, job, card);
    }
    if (sub === 'list' || sub === undefined) {
      const list = await callDirect(dispatch, 'concepts.list', {});
      return print(opts, list, list.map(card).join('\n') || 'No concepts yet.');
    }
    const byName = async (name: string | undefined) => {
      const found = (await callDirect(dispatch, 'concepts.list', {})).find((c) => c.name === name?.replace(/^\*/, '').toLowerCase());
      if (!found) throw new AppError('NOT_FOUND', `No concept “${name ?? ''}”.`);
      return found;
    };
    if (sub === 'export') {
      const out = outputFile(opts.values, 'out');
      if (!out) throw new AppError('INVALID_PARAMS', 'Usage: concept export NAME --out FILE');
      const file = await callDirect(dispatch, 'concepts.export', { id: (await byName(rest[0])).id });
      await writeFile(out, `${JSON.stringify(file, null, 1)}\n`);
      return print(opts, { out }, `Wrote ${out}.`);
    }
    if (sub === 'import' && rest[0]) {
      let file: unknown;
      try {
        file = JSON.parse((await readUserFile(rest[0])).toString('utf8'));
      } catch (error) {
        throw new AppError('INVALID_PARAMS', `Cannot read ${resolve(rest[0])} as JSON: ${(error as Error).message}`);
      }
      const name = str(opts.values, 'name');
      const concept = await callDirect(dispatch, 'concepts.import', { file, ...(name ? { name } : {}) });
      return print(opts, concept, `Imported ${card(concept)}`);
    }
    throw new AppError('INVALID_PARAMS', 'Usage: concept teach|list|export|import (see --help)');
  },
};
