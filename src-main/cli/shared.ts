import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppError, isJobOf, type Filters, type JobKind, type JobOf, type JobResult } from '@contract';
import type { Services } from '../engine/app-services';
import { describeIoError } from '../engine/storage/io-errors';
import { readRegularFile } from '../engine/storage/regular-file';
import { MAX_UPLOAD_BYTES } from '../engine/storage/uploads';
import type { Dispatch } from '../host/dispatcher';
import { errorText } from './error-text';
import { summarizeResult } from './job-summaries';
import { renderProgressLine } from './progress-bar';

/** What every command gets and the helpers they share: output, job following, and reading option values. */

export interface Options {
  json: boolean;
  values: Record<string, string | boolean | string[] | undefined>;
  /** Positional arguments after the command name. */
  args: string[];
}

export type Command = (dispatch: Dispatch, engine: Services, opts: Options) => Promise<void>;

export function print(opts: Options, data: unknown, text: string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(data)}\n` : `${text}\n`);
}

/** Follows a job to its end, drawing a progress line on stderr; Ctrl+C cancels it. */
export async function follow<K extends JobKind>(engine: Services, job: JobOf<K>): Promise<JobOf<K>> {
  const tty = process.stderr.isTTY;
  const off = engine.events.subscribe((event) => {
    if (event.topic !== 'job.progress' || event.payload.id !== job.id) return;
    const line = renderProgressLine(event.payload);
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  });
  const onSigint = () => engine.jobs.cancel(job.id);
  process.once('SIGINT', onSigint);
  try {
    const done = await engine.jobs.settled(job.id);
    if (!isJobOf(done, job.kind)) throw new AppError('INTERNAL', `Job ${job.id} changed its kind.`);
    return done;
  } finally {
    process.off('SIGINT', onSigint);
    off();
    if (tty) process.stderr.write('\n');
  }
}

/** Reports a finished job: its result as JSON, or its failure on stderr with a non-zero exit. */
export function reportJob<K extends JobKind>(opts: Options, job: JobOf<K>, success?: (result: JobResult<K>) => string): void {
  if (job.state === 'done' && job.result !== null) return print(opts, job.result, success ? success(job.result) : summarizeResult(job.kind, job.result));
  const reason = job.state === 'cancelled' ? 'cancelled' : errorText(job.error ?? new AppError('INTERNAL', 'The job failed without a reason.'));
  if (opts.json) print(opts, job, '');
  else process.stderr.write(`${job.label}: ${reason}\n`);
  process.exitCode = job.state === 'cancelled' ? 130 : 1;
}

/** --folder/--from/--to/--camera/--format/--orientation as search filters (dates as anything Date.parse reads). */
export function searchFilters(values: Options['values']): Filters | undefined {
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

export function str(values: Options['values'], key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

export function optionalPath(values: Options['values'], key: string): string | undefined {
  const v = str(values, key);
  return v === undefined ? undefined : resolve(v);
}

/**
 * The one parser for numeric flags: text that is not a finite number is refused here, and every value then goes through
 * the contract's validation (ranges, whole numbers) on its way to the engine, like a call from the UI.
 */
export function numberOf(values: Options['values'], key: string): number | undefined {
  const v = str(values, key);
  if (v === undefined) return undefined;
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n)) throw new AppError('INVALID_PARAMS', `--${key} “${v}” is not a number.`);
  return n;
}

/** A file the command will write (--out): its folder must exist, and it must not be a folder itself. */
export function outputFile(values: Options['values'], key: string): string | undefined {
  const path = optionalPath(values, key);
  if (path === undefined) return undefined;
  if (existsSync(path) && statSync(path).isDirectory()) throw new AppError('INVALID_PARAMS', `--${key} ${path} is a folder; give a file name, e.g. ${join(path, 'result.png')}.`);
  if (!existsSync(dirname(path))) throw new AppError('NOT_FOUND', `--${key}: the folder ${dirname(path)} does not exist.`);
  return path;
}

/** A file the user named, read only if it is a regular file (a FIFO or /dev/zero cannot hang or flood the command). */
export async function readUserFile(file: string): Promise<Buffer> {
  try {
    return await readRegularFile(resolve(file), { timeoutMs: 60_000, maxBytes: MAX_UPLOAD_BYTES * 4 });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('NOT_FOUND', `Cannot read ${resolve(file)}: ${describeIoError(error)} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

/** --wi/--wt: both or neither (the composer's defaults). */
export function weightsOf(values: Options['values']): { image: number; text: number } | undefined {
  const image = numberOf(values, 'wi');
  const text = numberOf(values, 'wt');
  if (image === undefined && text === undefined) return undefined;
  return { image: image ?? 1, text: text ?? 1 };
}


/** A file the user named, kept in the studio's uploads (so the engine reads only its own folders). */
export async function upload(engine: Services, file: string): Promise<string> {
  return engine.uploads.put(await readUserFile(file));
}
