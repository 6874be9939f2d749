import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, formatBytes, type Concept, type Filters, type Job, type ProjectView } from '@contract';
import { projectName } from '../engine/edit/editor';
import { LOCATION_OPTIONS, locationFlags, resolveLocations } from '../engine/config/locations';
import { Engine } from '../engine/engine';
import type { RefreshSummary } from '../engine/library/library';
import { callDirect, createDispatcher, type Dispatch } from '../host/dispatcher';
import { engineHandlers } from '../host/handlers';
import { runEval } from '../eval/run-eval';
import { markdownTable, metricsJson } from '../eval/report';
import { renderProgressLine } from './progress-bar';

const HELP = `Usage: npm run cli -- <command> [options]

Commands:
  info                   version, data dir, engine status and inference providers
  disk-check [--mb N]    write, sync, read back and verify N MB in the data dir (default 256); reports speeds
  models list            the models the studio knows, where they live, and whether they are installed
  models download ID     download (or resume) a model's missing files, verified
  index FOLDER           add FOLDER to the library (if new) and index it: metadata, thumbnails, CLIP vectors
  index                  rescan every library folder and index what changed
  search "TEXT"          search the library by words (--limit N, default 20); --json: [{path, score}]
  search --image FILE    search the library by an image
  search --like ID       more like a library item
  search --image FILE --text "MOD" [--text "MOD2" …] [--negative "…"] [--mask PNG] [--wi X --wt Y] [--composer sum|combiner|gated|compodiff] [--steps N] [--seed N]
                         composed search: the reference changed by the texts in order, away from the negative text,
                         only the region the mask marks white may change; --like ID works as the reference too
                         filters: --folder DIR --from DATE --to DATE --camera NAME --format jpeg|png|… --orientation landscape|portrait|square
  status                 counts of indexed, pending and failed files (with reasons)
  verify                 check the vector index against the database and repair it
  edit --image FILE --instruction "…" --out PNG [--recipe-out JSON] [--mask PNG] [--negative "…"] [--seed N] [--steps N]
                         [--text-guidance X] [--image-guidance Y] [--strength S] [--scheduler ddim|euler-ancestral|dpmpp-2m]
                         one edit turn, headless (the project also appears in the studio's Edit area)
  replay RECIPE.json --out PNG
                         replays a recipe's turns from its source picture; says whether each matches bit for bit
  concept teach --name NAME --parent WORD PHOTO… [--seed N] [--generate-negatives]
                         learn a personal concept (*NAME) from 3–5 photos; prints it, its nearest attribute words and stats
  concept list | concept export NAME --out FILE | concept import FILE [--name NAME]
  search "*NAME on a table" [--gair-w X] [--gair-auto]
                         a text query that names a concept; --gair-w mixes in its attribute words (1 = token only)
  eval cirr|fashioniq|pervl --data DIR [--split val] [--images DIR] [--composer LIST|all] [--wi X --wt Y] [--steps N]
                         [--limit N] [--categories a,b] [--submission DIR] [--cache DIR] [--out DIR] [--dimensions K (pervl)]
                         Recall@K / MRR tables beside text-only and image-only baselines (also: npm run eval -- …)

Options for every command:
  --data-dir DIR         where the studio keeps its data (or STUDIO_DATA_DIR)
  --models-dir DIR       where models live (or STUDIO_MODELS_DIR; default <data-dir>/models)
  --model-mirror URL     download models from this mirror, Hugging Face layout (or STUDIO_MODEL_MIRROR)
  --json                 machine-readable output on stdout (progress still goes to stderr)
  -h, --help             show this help`;

interface Options {
  json: boolean;
  values: Record<string, string | boolean | string[] | undefined>;
  /** Positional arguments after the command name. */
  args: string[];
}

type Command = (dispatch: Dispatch, engine: Engine, opts: Options) => Promise<void>;

function print(opts: Options, data: unknown, text: string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(data)}\n` : `${text}\n`);
}

/** Follows a job to its end, drawing a progress line on stderr; Ctrl+C cancels it. */
async function follow(engine: Engine, job: Job): Promise<Job> {
  const tty = process.stderr.isTTY;
  const off = engine.subscribe((event) => {
    if (event.topic !== 'job.progress' || event.payload.id !== job.id) return;
    const line = renderProgressLine(event.payload);
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  });
  const onSigint = () => engine.jobs.cancel(job.id);
  process.once('SIGINT', onSigint);
  try {
    return await engine.jobs.settled(job.id);
  } finally {
    process.off('SIGINT', onSigint);
    off();
    if (tty) process.stderr.write('\n');
  }
}

/** Reports a finished job: its result as JSON, or its failure on stderr with a non-zero exit. */
function reportJob(opts: Options, job: Job, success: (result: unknown) => string): void {
  if (job.state === 'done') return print(opts, job.result, success(job.result));
  const reason = job.state === 'cancelled' ? 'cancelled' : `${job.error?.code}: ${job.error?.message}`;
  if (opts.json) print(opts, job, '');
  else process.stderr.write(`${job.label}: ${reason}\n`);
  process.exitCode = job.state === 'cancelled' ? 130 : 1;
}

/** --folder/--from/--to/--camera/--format/--orientation as search filters (dates as anything Date.parse reads). */
function searchFilters(values: Options['values']): Filters | undefined {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const date = (k: string) => {
    const v = str(k);
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new AppError('INVALID_PARAMS', `--${k} “${v}” is not a date (try 2024-05-31).`);
    return t;
  };
  const filters: Filters = {};
  const folder = str('folder');
  if (folder) filters.folder = resolve(folder);
  const from = date('from');
  if (from !== undefined) filters.from = from;
  const to = date('to');
  if (to !== undefined) filters.to = to;
  const camera = str('camera');
  if (camera) filters.camera = camera;
  const format = str('format');
  if (format) filters.format = format;
  const orientation = str('orientation');
  if (orientation) {
    if (!['landscape', 'portrait', 'square'].includes(orientation)) throw new AppError('INVALID_PARAMS', '--orientation must be landscape, portrait or square.');
    filters.orientation = orientation as Filters['orientation'];
  }
  return Object.keys(filters).length ? filters : undefined;
}

const commands: Record<string, Command> = {
  info: async (dispatch, _engine, opts) => {
    const info = await callDirect(dispatch, 'app.info', {});
    const providers = info.inference.providers.map((p) => `${p.name}${p.available ? '' : ' (unavailable)'}`).join(', ');
    print(
      opts,
      info,
      [
        `${info.name} ${info.version} on ${info.platform.os}/${info.platform.arch}, Node ${info.runtime.node}`,
        `Data dir:   ${info.dataDir}`,
        `Engine:     ${info.engine.status}${info.engine.problems.map((p) => `\n  - ${p}`).join('')}`,
        `Inference:  ONNX Runtime ${info.inference.onnxRuntimeVersion ?? 'not loaded'}; providers ${providers}`,
        `Selected:   ${info.inference.selected ?? 'none'} — ${info.inference.reason}`,
      ].join('\n'),
    );
  },
  'disk-check': async (dispatch, engine, opts) => {
    const megabytes = Number(opts.values.mb ?? 256);
    const job = await follow(engine, await callDirect(dispatch, 'diagnostics.diskCheck', { megabytes }));
    reportJob(opts, job, (result) => {
      const r = result as { writeMBps: number; readMBps: number; megabytes: number };
      return `Data folder check passed: ${r.megabytes} MB written at ${r.writeMBps} MB/s (synced), read back at ${r.readMBps} MB/s, verified.`;
    });
  },
  models: async (dispatch, engine, opts) => {
    const [sub, id] = opts.args;
    if (sub === 'list' || sub === undefined) {
      const models = await callDirect(dispatch, 'models.list', {});
      const lines = models.map(
        (m) =>
          `${m.installed ? '✓' : ' '} ${m.id.padEnd(24)} ${m.task.padEnd(17)} ${formatBytes(m.approxBytes).padStart(8)}  ${m.title}${m.default ? ' (default)' : ''}` +
          (m.installed ? '' : m.downloadable ? `\n    not installed — npm run cli -- models download ${m.id}` : `\n    not installed — export it: ${m.exportCommand}`),
      );
      return print(opts, models, [`Models folder: ${engine.models.modelsDir}`, ...lines].join('\n'));
    }
    if (sub === 'download' && id) {
      const job = await follow(engine, await callDirect(dispatch, 'models.download', { id }));
      return reportJob(opts, job, (result) => {
        const r = result as { files: number; bytes: number };
        return r.files === 0 ? `${id} is already installed.` : `${id}: ${r.files} files (${formatBytes(r.bytes)}) downloaded and verified.`;
      });
    }
    throw new AppError('INVALID_PARAMS', 'Usage: models list | models download ID');
  },
  index: async (dispatch, engine, opts) => {
    const [folder] = opts.args;
    if (folder) {
      const abs = resolve(folder);
      const known = engine.library.listRoots().find((r) => r.path === abs);
      if (!known) await callDirect(dispatch, 'library.roots.add', { path: abs });
    }
    if (!(await engine.clip())) {
      process.stderr.write(`Note: ${engine.models.status(engine.clipModelId).title} is not installed, so images get metadata and thumbnails but no search vectors yet.\n`);
    }
    const job = await follow(engine, await callDirect(dispatch, 'library.refresh', {}));
    reportJob(opts, job, (result) => {
      const r = result as RefreshSummary;
      const problems = r.problems.map((p) => `\n  ! ${p.path}: ${p.message}`).join('');
      return `Indexed ${r.indexed} new or changed, ${r.moved} moved, ${r.removed} removed, ${r.failed} failed; ${r.embedded} embedded.${problems}`;
    });
  },
  search: async (dispatch, engine, opts) => {
    if (isComposed(opts.values)) return composedSearch(dispatch, engine, opts);
    const limit = Number(opts.values.limit ?? 20);
    const image = typeof opts.values.image === 'string' ? opts.values.image : undefined;
    const text = opts.args.join(' ');
    const like = typeof opts.values.like === 'string' ? Number(opts.values.like) : undefined;
    if (!image && !text && like === undefined) throw new AppError('INVALID_PARAMS', 'Usage: search "TEXT" | search --image FILE | search --like ID');
    const filters = searchFilters(opts.values);
    let result;
    if (like !== undefined) {
      result = await callDirect(dispatch, 'library.search', { likeId: like, limit, filters });
    } else if (image) {
      const clip = await engine.clip();
      if (!clip) engine.models.require(engine.clipModelId);
      const [encoded] = await clip!.encodeImages([resolve(image)]);
      if (!encoded!.ok) throw AppError.fromWire(encoded!.error);
      result = await engine.library.search({ limit, filters }, clip, encoded!.embedding);
    } else {
      let gairW = numberOf(opts.values, 'gair-w');
      if (opts.values['gair-auto']) {
        const auto = await callDirect(dispatch, 'concepts.gairAuto', { text });
        gairW = auto.w;
        process.stderr.write(`GAIR: w = ${auto.w} (${auto.proxy})\n`);
      }
      result = await callDirect(dispatch, 'library.search', { text, limit, filters, ...(gairW !== undefined ? { gairW } : {}) });
    }
    const rows = result.items.map((i) => ({ path: i.path, score: i.score === null ? null : Math.round(i.score * 1e4) / 1e4 }));
    if (result.note) process.stderr.write(`Note: ${result.note}\n`);
    print(opts, rows, rows.map((r) => `${r.score === null ? '     ' : r.score.toFixed(3)}  ${r.path}`).join('\n') || 'No matches.');
  },
  status: async (dispatch, _engine, opts) => {
    const s = await callDirect(dispatch, 'library.status', {});
    const lines = [
      `Folders: ${s.roots}   files: ${s.files}   indexed: ${s.indexed}   pending: ${s.pending}   failed: ${s.failed.length}   unsupported: ${s.unsupported.length}`,
      `Vectors (${s.model.id}${s.model.installed ? '' : ', not installed'}): ${s.embedded} embedded, ${s.pendingEmbeddings} to do`,
      ...s.failed.map((f) => `  failed: ${f.path} — ${f.reason}`),
      ...s.unsupported.map((f) => `  unsupported: ${f.path} — ${f.reason}`),
    ];
    print(opts, s, lines.join('\n'));
  },
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
      return reportJob(opts, job, (result) => card(result as Concept));
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
      const out = optionalPath(opts.values, 'out');
      if (!out) throw new AppError('INVALID_PARAMS', 'Usage: concept export NAME --out FILE');
      const file = await callDirect(dispatch, 'concepts.export', { id: (await byName(rest[0])).id });
      await writeFile(out, `${JSON.stringify(file, null, 1)}\n`);
      return print(opts, { out }, `Wrote ${out}.`);
    }
    if (sub === 'import' && rest[0]) {
      let file: unknown;
      try {
        file = JSON.parse(await readFile(resolve(rest[0]), 'utf8'));
      } catch (error) {
        throw new AppError('INVALID_PARAMS', `Cannot read ${resolve(rest[0])} as JSON: ${(error as Error).message}`);
      }
      const name = str(opts.values, 'name');
      const concept = await callDirect(dispatch, 'concepts.import', { file, ...(name ? { name } : {}) });
      return print(opts, concept, `Imported ${card(concept)}`);
    }
    throw new AppError('INVALID_PARAMS', 'Usage: concept teach|list|export|import (see --help)');
  },
  eval: async (_dispatch, engine, opts) => {
    const [dataset] = opts.args;
    const data = str(opts.values, 'data');
    if (!dataset || !data) throw new AppError('INVALID_PARAMS', 'Usage: eval cirr|fashioniq|pervl --data DIR (see --help)');
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
  edit: async (dispatch, engine, opts) => {
    const image = str(opts.values, 'image');
    const instruction = str(opts.values, 'instruction');
    const out = optionalPath(opts.values, 'out');
    if (!image || !instruction || !out) throw new AppError('INVALID_PARAMS', 'Usage: edit --image FILE --instruction "…" --out PNG (see --help)');
    const project = await callDirect(dispatch, 'edit.projects.create', { reference: { uploadId: await upload(engine, image) }, name: projectName(image) });
    const mask = str(opts.values, 'mask');
    const defined = <T>(v: T | undefined, k: string) => (v === undefined ? {} : { [k]: v });
    const params = {
      ...defined(numberOf(opts.values, 'seed'), 'seed'),
      ...defined(numberOf(opts.values, 'steps'), 'steps'),
      ...defined(numberOf(opts.values, 'text-guidance'), 'textGuidance'),
      ...defined(numberOf(opts.values, 'image-guidance'), 'imageGuidance'),
      ...defined(numberOf(opts.values, 'strength'), 'strength'),
      ...defined(str(opts.values, 'scheduler'), 'scheduler'),
    };
    const job = await follow(
      engine,
      await callDirect(dispatch, 'edit.turns.run', {
        projectId: project.id,
        instruction,
        negative: str(opts.values, 'negative') ?? '',
        maskUploadId: mask ? await upload(engine, mask) : null,
        params: params as never,
      }),
    );
    if (job.state !== 'done') return reportJob(opts, job, () => '');
    const view = job.result as ProjectView;
    const turn = engine.editor.store.turnRow(view.cursor);
    await copyFile(engine.editor.store.filePath(turn)!, out);
    const recipeOut = optionalPath(opts.values, 'recipe-out');
    if (recipeOut) await writeFile(recipeOut, `${JSON.stringify(await engine.editor.recipe(view.cursor), null, 1)}\n`);
    const timings = view.tree.find((t) => t.id === view.cursor)!.timings!;
    print(
      opts,
      { out, recipe: recipeOut ?? null, projectId: view.id, turnId: view.cursor, pipeline: turn.pipeline, timings },
      `Wrote ${out}${recipeOut ? ` and ${recipeOut}` : ''} (${turn.pipeline}, ${timings.steps} steps in ${(timings.totalMs / 1000).toFixed(2)} s; UNet ${(timings.unetMs / 1000).toFixed(2)} s).`,
    );
  },
  replay: async (_dispatch, engine, opts) => {
    const [file] = opts.args;
    const out = optionalPath(opts.values, 'out');
    if (!file || !out) throw new AppError('INVALID_PARAMS', 'Usage: replay RECIPE.json --out PNG');
    let recipe: unknown;
    try {
      recipe = JSON.parse(await readFile(resolve(file), 'utf8'));
    } catch (error) {
      throw new AppError('INVALID_PARAMS', `Cannot read ${resolve(file)} as JSON: ${(error as Error).message}`);
    }
    const { png, matches } = await engine.editor.replay(recipe, (i, n) => process.stderr.write(`Replaying turn ${i + 1} of ${n}…\n`));
    await writeFile(out, png);
    const same = matches.every(Boolean);
    print(opts, { out, matches, identical: same }, `Wrote ${out}: ${same ? 'identical to the recorded result, bit for bit' : `turns ${matches.map((m, i) => (m ? null : i + 1)).filter(Boolean).join(', ')} differ from the recording (another model file or execution provider?)`}.`);
  },
  verify: async (_dispatch, engine, opts) => {
    const report = await engine.library.verify();
    print(opts, { report }, `Vector index: ${report}`);
  },
};

function str(values: Options['values'], key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function optionalPath(values: Options['values'], key: string): string | undefined {
  const v = str(values, key);
  return v === undefined ? undefined : resolve(v);
}

function numberOf(values: Options['values'], key: string): number | undefined {
  const v = str(values, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new AppError('INVALID_PARAMS', `--${key} “${v}” is not a number.`);
  return n;
}

/** --wi/--wt: both or neither (the composer's defaults). */
function weightsOf(values: Options['values']): { image: number; text: number } | undefined {
  const image = numberOf(values, 'wi');
  const text = numberOf(values, 'wt');
  if (image === undefined && text === undefined) return undefined;
  return { image: image ?? 1, text: text ?? 1 };
}

function isComposed(values: Options['values']): boolean {
  return ['text', 'negative', 'mask', 'composer', 'wi', 'wt', 'steps'].some((k) => values[k] !== undefined && !(Array.isArray(values[k]) && values[k].length === 0));
}

/** A file the user named, kept in the studio's uploads (so the engine reads only its own folders). */
async function upload(engine: Engine, file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(file));
  } catch (error) {
    throw new AppError('NOT_FOUND', `Cannot read ${resolve(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return engine.uploads.put(bytes);
}

async function composedSearch(dispatch: Dispatch, engine: Engine, opts: Options): Promise<void> {
  const values = opts.values as Options['values'] & { text?: string[] };
  const image = str(values, 'image');
  const like = numberOf(values, 'like');
  const conditions = [...(values.text ?? []), ...(opts.args.length ? [opts.args.join(' ')] : [])];
  const mask = str(values, 'mask');
  const composer = str(values, 'composer');
  const weights = weightsOf(values);
  const result = await callDirect(dispatch, 'search.compose', {
    reference: image ? { uploadId: await upload(engine, image) } : like !== undefined ? { itemId: like } : null,
    regionUploadId: mask ? await upload(engine, mask) : null,
    conditions,
    negative: str(values, 'negative') ?? '',
    ...(weights ? { weights: { ...weights, negative: numberOf(values, 'wn') ?? 1 } } : {}),
    ...(composer ? { composer: composer as never } : {}),
    ...(numberOf(values, 'steps') !== undefined ? { steps: numberOf(values, 'steps')! } : {}),
    seed: numberOf(values, 'seed') ?? 0,
    limit: numberOf(values, 'limit') ?? 20,
    filters: searchFilters(values),
  });
  const rows = result.items.map((i) => ({ path: i.path, score: i.score === null ? null : Math.round(i.score * 1e4) / 1e4 }));
  const data = { composer: result.composer, weights: result.weights, timings: result.timings, items: rows };
  const summary = `${result.composer} (w_I ${result.weights.image}, w_T ${result.weights.text}) in ${result.timings.totalMs} ms`;
  print(opts, data, [summary, ...rows.map((r) => `${r.score === null ? '     ' : r.score.toFixed(3)}  ${r.path}`)].join('\n'));
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        ...LOCATION_OPTIONS,
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        mb: { type: 'string' },
        limit: { type: 'string' },
        image: { type: 'string' },
        like: { type: 'string' },
        folder: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        camera: { type: 'string' },
        format: { type: 'string' },
        orientation: { type: 'string' },
        text: { type: 'string', multiple: true },
        negative: { type: 'string' },
        mask: { type: 'string' },
        wi: { type: 'string' },
        wt: { type: 'string' },
        wn: { type: 'string' },
        composer: { type: 'string' },
        steps: { type: 'string' },
        seed: { type: 'string' },
        data: { type: 'string' },
        instruction: { type: 'string' },
        name: { type: 'string' },
        parent: { type: 'string' },
        'gair-w': { type: 'string' },
        'gair-auto': { type: 'boolean' },
        'generate-negatives': { type: 'boolean' },
        dimensions: { type: 'string' },
        'recipe-out': { type: 'string' },
        'text-guidance': { type: 'string' },
        'image-guidance': { type: 'string' },
        strength: { type: 'string' },
        scheduler: { type: 'string' },
        split: { type: 'string' },
        images: { type: 'string' },
        categories: { type: 'string' },
        submission: { type: 'string' },
        cache: { type: 'string' },
        out: { type: 'string' },
      },
    });
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${HELP}\n`);
    process.exit(2);
  }
  const [name, ...args] = parsed.positionals;
  if (parsed.values.help || !name) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`error: unknown command “${name}”.\n\n${HELP}\n`);
    process.exit(2);
  }
  const engine = await Engine.start({ ...resolveLocations(locationFlags(parsed.values)), host: 'cli', jobConcurrency: 1 });
  const dispatch = createDispatcher(engineHandlers(engine), {
    onInternalError: (error, method) => process.stderr.write(`${method}: ${(error as Error)?.stack ?? String(error)}\n`),
  });
  try {
    await command(dispatch, engine, { json: parsed.values.json, values: parsed.values, args });
  } catch (error) {
    const message = error instanceof AppError ? `${error.code}: ${error.message}` : String((error as Error)?.stack ?? error);
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  } finally {
    await engine.close();
  }
}

void main();
