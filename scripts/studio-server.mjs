// Starts the built headless studio on a free port and resolves with its URL; shared by e2e and screenshots.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file with a package.json (this file may also run bundled into out/). */
function repoRoot() {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const root = repoRoot();

/**
 * @param {{ dataDir?: string, env?: Record<string, string> }} [options]
 * @returns {Promise<{url: string, port: number, token: string, dataDir: string, stop: () => Promise<void>}>}
 */
export function startStudioServer({ dataDir, env = {} } = {}) {
  // Tests keep their photos in the temp folder or the repository (fixtures) and change the models folder from the page: server mode's
  // defaults (home only, no remote settings) are widened for them; the fault suite checks the defaults themselves.
  const args = ['out/main/serve.js', '--port', '0', '--json', '--allow-roots', `${tmpdir()},${root}`, '--allow-remote-settings'];
  if (dataDir) args.push('--data-dir', dataDir);
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`studio server did not start in 30 s:\n${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`studio server exited with ${code}:\n${stderr}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const ready = JSON.parse(line);
      resolve({
        ...ready,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/**
 * Chromium for Playwright: CHROMIUM_PATH, Debian's /usr/bin/chromium, or undefined to let Playwright use its own if installed.
 * @returns {string | undefined}
 */
export function chromiumExecutable() {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
}

/** Flags for a quiet, offline headless Chromium (no sandbox: CI runs as root). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
