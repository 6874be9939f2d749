// Gets a Chromium for the browser tests, dependency-free: the one already there (CHROMIUM_PATH, the system's, or
// Playwright's own), else Playwright's download where its host is reachable, else the system package where apt-get
// can run as root (or through password-less sudo), else a message naming the one command to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromiumExecutable } from './studio-server.mjs';

/** Playwright's own Chromium, if it has been downloaded. */
function playwrightChromium(root) {
  try {
    const require = createRequire(join(root, 'package.json'));
    const path = require('playwright-core').chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { stdio: 'inherit', timeout: 15 * 60_000, ...options }).status === 0;
}

/** How to run apt-get here: directly as root, through password-less sudo, or not at all. */
function aptRunner() {
  if (process.platform !== 'linux' || spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) return null;
  if (process.getuid?.() === 0) return [];
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : null;
}

function aptInstall(prefix, packages, say) {
  const [command, ...lead] = prefix.length ? prefix : ['apt-get'];
  const args = prefix.length ? [...lead, 'apt-get'] : [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  say(`Installing the system's ${packages.join(' / ')} with apt-get…`);
  if (!run(command, [...args, 'update', '-qq'], { env })) return false;
  return run(command, [...args, 'install', '-y', '-qq', ...packages], { env });
}

/** @returns {boolean} whether a browser for the tests is available afterwards */
export function ensureTestBrowser(root, say) {
  const found = chromiumExecutable() ?? playwrightChromium(root);
  if (found) {
    say(`Browser for the tests: ${found}`);
    return true;
  }
  say('No Chromium found for the browser tests; trying Playwright’s download…');
  if (run(join(root, 'node_modules', '.bin', 'playwright'), ['install', 'chromium']) && playwrightChromium(root)) {
    say(`Browser for the tests: ${playwrightChromium(root)}`);
    return true;
  }
  say('Playwright’s browser host could not be reached.');
  const apt = aptRunner();
  if (apt && (aptInstall(apt, ['chromium'], say) || aptInstall(apt, ['chromium-browser'], say)) && chromiumExecutable()) {
    say(`Browser for the tests: ${chromiumExecutable()}`);
    return true;
  }
  say('Could not install a browser for the tests. Run one of these, then `npm test`:');
  say('  sudo apt-get install chromium         (Debian/Ubuntu)');
  say('  npx playwright install chromium       (where Playwright’s download host is reachable)');
  say('  or set CHROMIUM_PATH to a Chromium or Chrome binary.');
  return false;
}
