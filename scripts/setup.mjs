#!/usr/bin/env node
// Installs the studio's dependencies on any machine, with no dependencies of its own.
//
//   npm run setup              install (or confirm) dependencies
//   npm run setup -- --cuda    also fetch ONNX Runtime's CUDA 12 provider (NVIDIA GPUs on Linux/Windows)
//   npm run setup -- --force   reinstall even if nothing changed
//   npm run setup -- --no-browser   skip getting a Chromium for the browser tests
//
// It first tries the full install, Electron's binary included. Where that download cannot be
// reached, npm rolls everything back; the script then installs again without the Electron binary
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1) and says so: the studio then runs as a local server in a browser.
// Where Electron's binary is installed, it also builds the database module for Electron's ABI beside Node's build.
// Last, it makes sure the browser tests have a Chromium (see setup-browser.mjs).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';
import { ensureTestBrowser } from './setup-browser.mjs';
import { ensureElectronSqlite } from './setup-electron-native.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
const stampPath = join(root, 'node_modules', '.studio-setup.json');
const say = (line) => process.stdout.write(`[setup] ${line}\n`);

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  say(`Node ${process.versions.node} is too old: the studio needs Node 20.19 or newer.`);
  process.exit(1);
}

const lockFile = existsSync(join(root, 'package-lock.json')) ? 'package-lock.json' : 'package.json';
const lockHash = createHash('sha256').update(readFileSync(join(root, lockFile))).digest('hex');
const stamp = existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, 'utf8')) : null;

function npmInstall(extraEnv) {
  const command = lockFile === 'package-lock.json' ? 'ci' : 'install';
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', ...extraEnv };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return spawnSync(npm, [command, '--no-audit', '--no-fund'], { cwd: root, env, stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;
}

if (stamp?.lockHash === lockHash && existsSync(join(root, 'node_modules')) && !args.has('--force')) {
  say(`Dependencies are up to date (${stamp.electron ? 'with' : 'without'} the Electron binary).`);
} else {
  let electron = true;
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') {
    say('ELECTRON_SKIP_BINARY_DOWNLOAD=1 is set: installing without the Electron binary.');
    electron = false;
    if (!npmInstall({})) process.exit(1);
  } else {
    say('Installing dependencies, Electron binary included…');
    if (!npmInstall({})) {
      say('The full install failed — usually because Electron’s binary could not be downloaded from its release host.');
      say('Installing again without the Electron binary. The studio will run as a local server you open in your browser.');
      electron = false;
      if (!npmInstall({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })) {
        say('The install failed again; see npm’s errors above.');
        process.exit(1);
      }
    }
  }
  writeFileSync(stampPath, JSON.stringify({ lockHash, electron, at: new Date().toISOString() }, null, 2));
  say(`Dependencies installed ${electron ? 'with' : 'without'} the Electron binary.`);
}

if (args.has('--cuda')) {
  say('Fetching ONNX Runtime’s CUDA 12 provider files (needs an NVIDIA driver and network access)…');
  const ok =
    spawnSync(process.execPath, [join(root, 'node_modules', 'onnxruntime-node', 'script', 'install.js')], {
      cwd: join(root, 'node_modules', 'onnxruntime-node'),
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
      stdio: 'inherit',
    }).status === 0;
  say(ok ? 'CUDA provider installed; Settings → Inference will show CUDA when a GPU is present.' : 'Could not install the CUDA provider; the studio keeps using the CPU.');
  if (!ok) process.exitCode = 1;
}

const electronApp = electronBinary();
if (electronApp.path) {
  if (!ensureElectronSqlite(root, electronApp.path, say)) process.exitCode = 1;
} else {
  say(`${electronApp.why}: \`npm start\` will open the studio in your browser.`);
}

if (!args.has('--no-browser') && !ensureTestBrowser(root, say)) {
  say('The studio itself does not need it: `npm start` works without it.');
}
