import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@contract';

/**
 * better-sqlite3 is a classic (non-N-API) addon: one build loads in one runtime only. Setup leaves Node's build where
 * npm put it and, where Electron's binary is installed, an Electron build beside it, named by Electron's module ABI.
 * usearch, sharp and onnxruntime-node use N-API and load in both runtimes, so only this one needs choosing.
 */
export const ELECTRON_NATIVE_DIR = join('node_modules', '.studio-native');

export const SETUP_FIX = 'Run `npm run setup` in the studio folder: it builds the database module for Electron beside the one for Node.';

export interface RuntimeFacts {
  /** process.versions.electron: set only inside Electron. */
  electron?: string | undefined;
  /** process.versions.modules: the runtime's NODE_MODULE_VERSION. */
  modules: string;
  /** The repository (or unpacked app) root that holds node_modules. */
  root: string;
  /** A packaged app had its native modules rebuilt for Electron in place by the packager. */
  packaged?: boolean;
}

/** Where setup puts the Electron build of better-sqlite3 for one module ABI. */
export function electronBindingPath(root: string, modules: string): string {
  return join(root, ELECTRON_NATIVE_DIR, `electron-abi${modules}`, 'better_sqlite3.node');
}

/**
 * The `nativeBinding` to hand better-sqlite3: undefined in Node (and in a packaged app) so the package loads its own
 * build; the side-by-side Electron build when running unpackaged inside Electron. A missing build is a clear error.
 */
export function sqliteBindingFor(facts: RuntimeFacts, exists: (path: string) => boolean = existsSync): string | undefined {
  if (!facts.electron || facts.packaged) return undefined;
  const file = electronBindingPath(facts.root, facts.modules);
  if (!exists(file)) {
    throw new AppError(
      'UNAVAILABLE',
      `The database module has no build for Electron ${facts.electron} (module ABI ${facts.modules}); expected ${file}. ${SETUP_FIX}`,
      { expected: file, electron: facts.electron, abi: facts.modules },
    );
  }
  return file;
}

/**
 * Turns a failure to load the native module into an error that names the fix: a build for another runtime
 * ("compiled against a different Node.js version"), or a configured Electron build that is missing or damaged.
 */
export function explainBindingError(error: unknown, facts: Pick<RuntimeFacts, 'electron' | 'modules'>, binding?: string): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const wrongAbi = /NODE_MODULE_VERSION|different Node\.js version/i.test(message);
  if (!wrongAbi && !binding) return error;
  const runtime = facts.electron ? `Electron ${facts.electron}` : `Node ${process.versions.node}`;
  const what = wrongAbi ? `was built for another runtime than ${runtime} (module ABI ${facts.modules})` : `could not be loaded from ${binding}`;
  return new AppError('UNAVAILABLE', `The database module ${what}. ${SETUP_FIX}`, { cause: message.split('\n')[0] });
}

let configured: string | undefined;

/** Called once by the desktop app before anything opens a database; Node hosts never call it. */
export function useSqliteBinding(path: string | undefined): void {
  configured = path;
}

export function configuredSqliteBinding(): string | undefined {
  return configured;
}
