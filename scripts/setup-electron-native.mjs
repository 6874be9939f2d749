// Builds better-sqlite3 for Electron's module ABI into its own folder, beside the Node build that npm installed:
// node_modules/.studio-native/electron-abi<N>/better_sqlite3.node (the layout src-main/engine/storage/sqlite-binding.ts
// reads). It tries the published prebuilt binary first (prebuild-install), then a source build against Electron's
// headers (node-gyp), and loads the result inside Electron to prove it. usearch, sharp and onnxruntime-node use N-API
// and need nothing.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const bindingPath = (root, abi) => join(root, 'node_modules', '.studio-native', `electron-abi${abi}`, 'better_sqlite3.node');

/** Electron's NODE_MODULE_VERSION, asked of the binary itself (no display needed). */
export function electronAbi(electronPath) {
  const result = spawnSync(electronPath, ['-p', 'process.versions.modules'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  const abi = result.stdout?.trim();
  return result.status === 0 && /^\d+$/.test(abi) ? abi : null;
}

function nodeGyp() {
  // npm exposes its bundled node-gyp to scripts; fall back to the one on PATH.
  const bundled = process.env.npm_config_node_gyp;
  return bundled && existsSync(bundled) ? [process.execPath, bundled] : ['node-gyp'];
}

/** Builds (or fetches) the addon for { runtime, target } in a scratch copy of the package; returns the .node file or null. */
export function buildAddon(root, { runtime, target, distUrl }, say) {
  const source = join(root, 'node_modules', 'better-sqlite3');
  const scratch = join(mkdtempSync(join(tmpdir(), 'studio-sqlite-')), 'better-sqlite3');
  cpSync(source, scratch, { recursive: true, filter: (path) => !path.startsWith(join(source, 'build')) });
  const built = join(scratch, 'build', 'Release', 'better_sqlite3.node');
  const opts = { cwd: scratch, stdio: 'inherit', timeout: 20 * 60_000 };
  const prebuild = join(root, 'node_modules', '.bin', 'prebuild-install');
  say(`Fetching better-sqlite3's prebuilt binary for ${runtime} ${target}…`);
  if (existsSync(prebuild) && spawnSync(prebuild, ['--runtime', runtime, '--target', target, '--arch', process.arch], opts).status === 0 && existsSync(built)) {
    return built;
  }
  say(`No prebuilt binary; building better-sqlite3 from source for ${runtime} ${target} (a minute or two)…`);
  const [command, ...lead] = nodeGyp();
  const args = [...lead, 'rebuild', '--release', `--runtime=${runtime}`, `--target=${target}`, `--arch=${process.arch}`];
  if (distUrl) args.push(`--dist-url=${distUrl}`);
  return spawnSync(command, args, opts).status === 0 && existsSync(built) ? built : null;
}

/** Opens an in-memory database inside Electron (as Node) through the given binding. */
function loadsInElectron(electronPath, binding) {
  const probe = `const D=require(${JSON.stringify(join(dirname(binding), '..', '..', 'better-sqlite3'))});new D(':memory:',{nativeBinding:${JSON.stringify(binding)}}).prepare('select 1').get()`;
  return spawnSync(electronPath, ['-e', probe], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: 'inherit' }).status === 0;
}

/** @returns {boolean} whether the Electron build is in place (and loads) afterwards */
export function ensureElectronSqlite(root, electronPath, say) {
  const abi = electronAbi(electronPath);
  if (!abi) {
    say('Could not ask Electron for its module ABI; the desktop window may fail to open its database.');
    return false;
  }
  const target = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const file = bindingPath(root, abi);
  if (existsSync(file) && loadsInElectron(electronPath, file)) {
    say(`better-sqlite3 for Electron ${target} (ABI ${abi}) is in place.`);
    return true;
  }
  const built = buildAddon(root, { runtime: 'electron', target, distUrl: 'https://electronjs.org/headers' }, say);
  if (!built) {
    say(`Could not build better-sqlite3 for Electron ${target}. The local server still works (npm run serve).`);
    return false;
  }
  mkdirSync(dirname(file), { recursive: true });
  cpSync(built, file);
  rmSync(dirname(dirname(dirname(dirname(built)))), { recursive: true, force: true });
  const ok = loadsInElectron(electronPath, file);
  say(ok ? `better-sqlite3 for Electron ${target} (ABI ${abi}) built into ${file}.` : `The Electron build at ${file} does not load in Electron.`);
  return ok;
}
