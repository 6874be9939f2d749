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
    const first = String(error?.message ?? error).split('\n')[0];
    return { path: null, why: `Electron's binary is not installed (${first})` };
  }
}
