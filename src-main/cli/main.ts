import { parseArgs } from 'node:util';
import { AppError, type Job } from '@contract';
import { resolveDataDir } from '../engine/config/data-dir';
import { Engine } from '../engine/engine';
import { callDirect, createDispatcher, type Dispatch } from '../host/dispatcher';
import { engineHandlers } from '../host/handlers';
import { renderProgressLine } from './progress-bar';

const HELP = `Usage: npm run cli -- <command> [options]

Commands:
  info                   version, data dir, engine status and inference providers
  disk-check [--mb N]    write, sync, read back and verify N MB in the data dir (default 256); reports speeds

Options for every command:
  --data-dir DIR         where the studio keeps its data (or STUDIO_DATA_DIR)
  --json                 machine-readable output on stdout (progress still goes to stderr)
  -h, --help             show this help`;

interface Options {
  json: boolean;
  values: Record<string, string | boolean | undefined>;
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
    if (job.state !== 'done') {
      const reason = job.state === 'cancelled' ? 'cancelled' : `${job.error?.code}: ${job.error?.message}`;
      print(opts, job, `Data folder check ${reason}`);
      process.exitCode = job.state === 'cancelled' ? 130 : 1;
      return;
    }
    const r = job.result as { writeMBps: number; readMBps: number; megabytes: number };
    print(opts, job.result, `Data folder check passed: ${r.megabytes} MB written at ${r.writeMBps} MB/s (synced), read back at ${r.readMBps} MB/s, verified.`);
  },
};

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        mb: { type: 'string' },
      },
    });
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${HELP}\n`);
    process.exit(2);
  }
  const [name] = parsed.positionals;
  if (parsed.values.help || !name) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`error: unknown command “${name}”.\n\n${HELP}\n`);
    process.exit(2);
  }
  const engine = await Engine.start({ dataDir: resolveDataDir({ flag: parsed.values['data-dir'] }), host: 'cli', jobConcurrency: 1 });
  const dispatch = createDispatcher(engineHandlers(engine));
  try {
    await command(dispatch, engine, { json: parsed.values.json, values: parsed.values });
  } catch (error) {
    const message = error instanceof AppError ? `${error.code}: ${error.message}` : String((error as Error)?.stack ?? error);
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  } finally {
    await engine.close();
  }
}

void main();
