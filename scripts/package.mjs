#!/usr/bin/env node
// `npm run package [-- electron-builder flags]`: builds installers for this platform with electron-builder
// (dmg on macOS, NSIS on Windows, AppImage + deb on Linux) into dist/. It first builds the app and validates the
// configuration; where Electron cannot be fetched (no binary was installed by setup), it stops after the check and says why.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';
import { checkPackaging } from './package-config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const say = (line) => process.stdout.write(`[package] ${line}\n`);

if (spawnSync(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' }).status !== 0) process.exit(1);
const { problems } = await checkPackaging(root);
if (problems.length) {
  for (const problem of problems) say(problem);
  process.exit(1);
}
say('Configuration is valid (electron-builder.yml, icon, built files).');

const electron = electronBinary();
if (!electron.path) {
  say(`Stopping before the installers: ${electron.why}.`);
  say('electron-builder downloads the same Electron release for the app bundle, so it cannot run here either.');
  say('On a machine that reaches Electron’s release host: `npm run setup && npm run package`.');
  process.exit(1);
}
const builder = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-builder.cmd' : 'electron-builder');
const result = spawnSync(builder, ['--publish', 'never', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
