// Finds Electron's binary without importing anything that needs it; shared by start and setup.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @returns {{ path: string | null, why: string }} */
export function electronBinary() {
  try {
    const path = require('electron');
    if (typeof path === 'string' && existsSync(path)) return { path, why: '' };
    return { path: null, why: `Electron's binary is missing (${path})` };
  } catch (error) {
    const message = String(error?.message ?? error);
    if (/failed to install correctly/i.test(message)) {
      return { path: null, why: "Electron's binary was not downloaded during setup (its release host was unreachable, or ELECTRON_SKIP_BINARY_DOWNLOAD=1 was set)" };
    }
    return { path: null, why: `Electron could not be found (${message.split('\n')[0]})` };
  }
}
