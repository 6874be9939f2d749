import { AppError, formatBytes, PrecisionSchema, type ModelCheck, type ModelStatus } from '@contract';
import { callDirect } from '../host/dispatcher';
import { type Command, follow, numberOf, print, reportJob, str } from './shared';

function verificationLine(m: ModelStatus): string {
  if (!m.installed) return '';
  if (m.verification === 'manifest') return ' · verified against the manifest';
  if (m.verification === 'host') return ' · verified against the host';
  return ' · not verified (placed by hand)';
}

function line(m: ModelStatus): string {
  const variants = m.variants.length > 1 ? ` [${m.variants.map((v) => (v.name === m.variant ? `*${v.name}` : v.name)).join(' ')}${m.variantSetting ? '' : ', auto'}]` : ` [${m.variant}]`;
  const head = `${m.installed ? '✓' : ' '} ${m.id.padEnd(24)} ${m.task.padEnd(17)} ${formatBytes(m.approxBytes).padStart(8)}  ${m.title}${m.default ? ' (default)' : ''}${variants}${verificationLine(m)}`;
  const check = m.check ? `\n    checked on this machine: ${m.check.ok ? 'passed' : `FAILED (${m.check.failures.join('; ')})`}${Object.entries(m.check.figures).map(([k, v]) => `, ${k} ${v}`).join('')}` : '';
  const how = m.installed
    ? ''
    : m.downloadable
      ? `\n    not installed — npm run cli -- models download ${m.id}`
      : `\n    not installed — export it: ${m.exportCommand}${m.unpinnedReason ? `\n    (no download: ${m.unpinnedReason})` : ''}`;
  return head + check + how;
}

/**
 * models list: every model with its variants, pinned commit, and per file whether its hash is pinned in the manifest or
 * verified against the host (--json). models download ID [--variant V], models variant ID [fp32|fp16|int8|auto].
 */
export const modelCommands: Record<string, Command> = {
  models: async (dispatch, engine, opts) => {
    const [sub, id, value] = opts.args;
    if (sub === 'list' || sub === undefined) {
      const models = await callDirect(dispatch, 'models.list', {});
      return print(opts, models, [`Models folder: ${engine.models.modelsDir}`, ...models.map(line)].join('\n'));
    }
    if (sub === 'download' && id) {
      const variant = str(opts.values, 'variant');
      const parsed = variant === undefined ? undefined : PrecisionSchema.safeParse(variant);
      if (parsed && !parsed.success) throw new AppError('INVALID_PARAMS', `--variant must be fp32, fp16 or int8, not “${variant}”.`);
      const job = await follow(engine, await callDirect(dispatch, 'models.download', { id, ...(parsed ? { variant: parsed.data } : {}) }));
      return reportJob(opts, job, (r) => {
        return r.files === 0 ? `${id} (${r.variant}) is already installed.` : `${id} (${r.variant}): ${r.files} files (${formatBytes(r.bytes)}) downloaded and verified.`;
      });
    }
    if (sub === 'variant' && id) {
      const current = (await callDirect(dispatch, 'settings.get', {})).settings.modelVariants;
      const next = { ...current };
      if (value === undefined) {
        const status = engine.models.status(engine.models.resolve(id));
        const setting = current[id] ?? null;
        return print(opts, { id, variant: status.variant, inUse: status.id, setting }, `${id}: ${status.variant}${status.id === id ? '' : ` (${status.id})`}${setting ? '' : ' (automatic)'}`);
      }
      if (value === 'auto') delete next[id];
      else {
        const parsed = PrecisionSchema.safeParse(value);
        if (!parsed.success) throw new AppError('INVALID_PARAMS', `A variant is fp32, fp16, int8 or auto, not “${value}”.`);
        next[id] = parsed.data;
      }
      await callDirect(dispatch, 'settings.update', { modelVariants: next });
      // A model whose other precision comes from another repository (SD 1.5 fp16 / fp32) switches to that entry.
      const status = engine.models.status(engine.models.resolve(id));
      return print(
        opts,
        { id, variant: status.variant, inUse: status.id, setting: next[id] ?? null, installed: status.installed },
        `${id} now uses ${status.variant}${status.id === id ? '' : ` (${status.id})`}${status.installed ? '' : ` — not on disk yet: npm run cli -- models download ${status.id}`}.`,
      );
    }
    if (sub === 'check') {
      const ids = id ? [id] : engine.models.list().filter((m) => m.installed).map((m) => m.id);
      if (ids.length === 0) process.stderr.write('No model is installed: nothing to check. Download one with `npm run cli -- models download ID`.\n');
      const photosDir = str(opts.values, 'photos');
      const steps = numberOf(opts.values, 'steps');
      const results: (ModelCheck & { id: string })[] = [];
      for (const model of ids) {
        process.stderr.write(`Checking ${model}…\n`);
        results.push({ id: model, ...(await engine.models.check(model, { ...(photosDir ? { photosDir } : {}), ...(steps ? { steps } : {}) })) });
      }
      const text = results.map((r) => {
        const figures = Object.entries(r.figures).map(([k, v]) => `${k} ${v}`).join(', ');
        const head = `${r.ok ? 'ok  ' : 'FAIL'} ${r.id} (${r.variant}${r.realWeights ? ', verified weights' : ''}): ${figures || 'no figures'}`;
        return [head, ...r.failures.map((f) => `     ✗ ${f}`), ...r.notes.map((n) => `     · ${n}`)].join('\n');
      });
      print(opts, results, text.join('\n'));
      if (results.some((r) => !r.ok)) process.exitCode = 1;
      return;
    }
    throw new AppError('INVALID_PARAMS', 'Usage: models list | models download ID [--variant fp32|fp16|int8] | models variant ID [fp32|fp16|int8|auto] | models check [ID]');
  },
};
