#!/usr/bin/env node
// `npm start`: the desktop window where Electron's binary is installed, otherwise the headless studio in your browser.
// Arguments after `--` go to either (e.g. --data-dir DIR; --port N for the server).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

if (!existsSync(join(root, 'node_modules'))) {
  process.stderr.write('Dependencies are not installed. Run `npm run setup` first.\n');
  process.exit(1);
}
if (spawnSync(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' }).status !== 0) process.exit(1);

const electron = electronBinary();
const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
let command;
if (electron.path && !headless && !args.includes('--server')) {
  command = [electron.path, ['out/main/app.js', ...args]];
} else {
  const why = !electron.path ? `${electron.why}.` : headless ? 'No display was found (no DISPLAY or WAYLAND_DISPLAY).' : '--server was given.';
  process.stderr.write(`${why}\nStarting Compose Studio as a local server instead — open the URL below in your browser.\n\n`);
  command = [process.execPath, ['out/main/serve.js', ...args.filter((a) => a !== '--server')]];
}

const child = spawn(command[0], command[1], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
