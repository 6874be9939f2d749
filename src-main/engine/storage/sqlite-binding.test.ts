import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '@contract';
import { openDatabase } from './db';
import { electronBindingPath, explainBindingError, sqliteBindingFor, useSqliteBinding } from './sqlite-binding';

const root = () => mkdtempSync(join(tmpdir(), 'studio-binding-'));
const nodeBuild = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

describe('choosing the better-sqlite3 build per runtime', () => {
  afterEach(() => useSqliteBinding(undefined));

  it("uses the package's own build in Node and in a packaged app", () => {
    expect(sqliteBindingFor({ modules: '115', root: root() }, () => true)).toBeUndefined();
    expect(sqliteBindingFor({ electron: '39.8.10', modules: '140', root: root(), packaged: true }, () => false)).toBeUndefined();
  });

  it('uses the Electron build named by the module ABI inside unpackaged Electron', () => {
    const dir = root();
    const file = electronBindingPath(dir, '140');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'stand-in');
    expect(sqliteBindingFor({ electron: '39.8.10', modules: '140', root: dir })).toBe(file);
    expect(file).toContain(join('node_modules', '.studio-native', 'electron-abi140'));
  });

  it('names the missing file and the fix when setup has not built it (another Electron ABI does not count)', () => {
    const dir = root();
    const other = electronBindingPath(dir, '139');
    mkdirSync(dirname(other), { recursive: true });
    writeFileSync(other, 'stand-in');
    let caught: unknown;
    try {
      sqliteBindingFor({ electron: '39.8.10', modules: '140', root: dir });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('UNAVAILABLE');
    expect((caught as AppError).message).toContain(electronBindingPath(dir, '140'));
    expect((caught as AppError).message).toContain('npm run setup');
  });

  it('explains a wrong-ABI load and passes other errors through', () => {
    const abi = new Error(
      "The module '/x/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 140.",
    );
    const explained = explainBindingError(abi, { electron: '39.8.10', modules: '140' });
    expect(explained).toBeInstanceOf(AppError);
    expect((explained as AppError).message).toMatch(/another runtime than Electron 39\.8\.10.*npm run setup/);
    const other = new Error('disk I/O error');
    expect(explainBindingError(other, { modules: '115' })).toBe(other);
  });

  it('opens databases through the configured binding, and a damaged one fails with the fix', () => {
    useSqliteBinding(nodeBuild);
    const db = openDatabase(':memory:');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();

    const damaged = join(root(), 'better_sqlite3.node');
    writeFileSync(damaged, 'not a shared library');
    useSqliteBinding(damaged);
    expect(() => openDatabase(':memory:')).toThrow(/could not be loaded from .*better_sqlite3\.node.*npm run setup/);
  });
});
