import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, formatBytes, type Filters, type Job } from '@contract';
import { LOCATION_OPTIONS, locationFlags, resolveLocations } from '../engine/config/locations';
import { Engine } from '../engine/engine';
import type { RefreshSummary } from '../engine/library/library';
import { callDirect, createDispatcher, type Dispatch } from '../host/dispatcher';
import { engineHandlers } from '../host/handlers';
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
                         filters: --folder DIR --from DATE --to DATE --camera NAME --format jpeg|png|… --orientation landscape|portrait|square
  status                 counts of indexed, pending and failed files (with reasons)
  verify                 check the vector index against the database and repair it

Options for every command:
  --data-dir DIR         where the studio keeps its data (or STUDIO_DATA_DIR)
  --models-dir DIR       where models live (or STUDIO_MODELS_DIR; default <data-dir>/models)
  --model-mirror URL     download models from this mirror, Hugging Face layout (or STUDIO_MODEL_MIRROR)
  --json                 machine-readable output on stdout (progress still goes to stderr)
  -h, --help             show this help`;

interface Options {
  json: boolean;
  values: Record<string, string | boolean | undefined>;
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
      result = await callDirect(dispatch, 'library.search', { text, limit, filters });
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
  verify: async (_dispatch, engine, opts) => {
    const report = await engine.library.verify();
    print(opts, { report }, `Vector index: ${report}`);
  },
};

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
  const dispatch = createDispatcher(engineHandlers(engine));
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
