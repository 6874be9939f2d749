import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError } from '@contract';
import { startEngine, type Services } from '../engine/app-services';
import { parseAllowRoots } from '../engine/config/confinement';
import { LOCATION_OPTIONS, locationFlags, resolveLocations } from '../engine/config/locations';
import { isLoopbackAddress } from './auth';
import { createDispatcher } from './dispatcher';
import { serviceHandlers } from './handlers';
import { startHttpHost } from './http-host';

const HELP = `Usage: npm run serve -- [options]

Starts the studio headless and serves it to your browser on this machine.

  --port N               port to listen on (default 5780; 0 picks a free one)
  --host ADDR            address to bind (default 127.0.0.1)
  --allow-non-loopback   required to bind anything but loopback (exposes the studio to your network)
  --data-dir DIR         where the studio keeps its data (or STUDIO_DATA_DIR)
  --models-dir DIR       where models live, e.g. an offline copy (or STUDIO_MODELS_DIR; default <data-dir>/models)
  --model-mirror URL     download models from this mirror (Hugging Face layout; or STUDIO_MODEL_MIRROR)
  --allow-insecure-mirror  accept a plain-http mirror on another machine (or STUDIO_ALLOW_INSECURE_MIRROR=1)
  --allow-roots DIR[,DIR]
                         library folders may only be added inside these (default: your home folder)
  --allow-remote-settings
                         allow changing the models folder and download mirror from the browser
  --json                 print {url, port, token, dataDir} as one JSON line instead of text
  -h, --help             show this help

For a studio on a remote GPU box, keep the default host and tunnel:
  ssh -L 5780:127.0.0.1:5780 gpu-box   then open the printed URL locally
(another local port works too: ssh -L 8080:127.0.0.1:5780 gpu-box, then http://localhost:8080/?token=…).`;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

/** The built renderer (out/renderer): found upwards from this module, wherever the bundler put it (out/main/chunks/). */
function rendererDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 3; i++) {
    if (existsSync(join(dir, 'renderer', 'index.html'))) return join(dir, 'renderer');
    dir = dirname(dir);
  }
  return fileURLToPath(new URL('../renderer', import.meta.url));
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '5780' },
        host: { type: 'string', default: '127.0.0.1' },
        'allow-non-loopback': { type: 'boolean', default: false },
        ...LOCATION_OPTIONS,
        'allow-roots': { type: 'string' },
        'allow-remote-settings': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a whole number from 0 to 65535, not “${values.port}”.`);
  if (!isLoopbackAddress(values.host)) {
    if (!values['allow-non-loopback']) {
      fail(`--host ${values.host} is not a loopback address. Add --allow-non-loopback to expose the studio to your network (prefer an SSH tunnel).`);
    }
    process.stderr.write(
      `WARNING: the studio is reachable from other machines on ${values.host}. Anyone with the token can read your library. Prefer an SSH tunnel.\n`,
    );
  }

  const staticDir = rendererDir();
  if (!existsSync(`${staticDir}/index.html`)) fail(`the renderer is not built (${staticDir} is empty). Run \`npm run build\` first.`);

  const locations = resolveLocations(locationFlags(values));
  const { dataDir } = locations;
  let engine: Services;
  try {
    const confinement = { allowRoots: parseAllowRoots(values['allow-roots']), allowRemoteSettings: values['allow-remote-settings'] };
    engine = await startEngine({ ...locations, host: 'server', confinement });
  } catch (error) {
    // E.g. a data folder that cannot be written: say which and why, without a stack trace.
    fail(error instanceof AppError ? error.message : String((error as Error)?.stack ?? error));
  }
  const dispatch = createDispatcher(serviceHandlers(engine), {
    onInternalError: (error, method) => process.stderr.write(`[engine] ${method} failed: ${(error as Error)?.stack ?? error}\n`),
    explain: (error) => engine.app.explainFailure(error),
  });

  let host;
  try {
    host = await startHttpHost({
      dispatch,
      subscribe: (listener) => engine.events.subscribe(listener),
      staticDir,
      thumbDir: engine.files.thumbDir,
      turnsDir: engine.files.turnsDir,
      upload: (bytes) => engine.uploads.put(bytes),
      onlineMapTiles: () => engine.settings.view().settings.onlineMapTiles === true,
      bindHost: values.host,
      port,
      allowNonLoopback: values['allow-non-loopback'],
    });
  } catch (error) {
    await engine.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${port} is already in use — is another studio running? Use --port N, or --port 0 for any free port.`);
    fail((error as Error).message);
  }

  engine.library.verifyInBackground((line) => process.stderr.write(`${line}\n`));
  engine.library.keepInSync();
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ url: host.url, port: host.port, token: host.token, dataDir })}\n`);
  } else {
    // Only this line needs ONNX Runtime at startup (app.info probes it); the JSON line does not wait for it.
    const info = engine.app.info();
    process.stderr.write(`Data dir: ${dataDir}\nModels: ${engine.models.modelsDir}\nInference: ${info.inference.selected ?? 'none'} — ${info.inference.reason}\n`);
    process.stdout.write(`Compose Studio is ready: ${host.url}\n`);
    process.stderr.write('Open that URL in your browser. Press Ctrl+C to stop.\n');
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await engine.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
