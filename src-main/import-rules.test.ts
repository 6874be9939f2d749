import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, checkTree, importSpecifiers } from './import-rules';

const root = join(import.meta.dirname, '..');
const at = (path: string) => join(root, path);

describe('import rules', () => {
  it('finds every kind of import', () => {
    const source = `
      import a from 'a';
      import type { B } from "b";
      import { c,
        d } from './c';
      export * from './e';
      import './side-effect.css';
      const f = await import('f');
      const g = require('g');
    `;
    expect(importSpecifiers(source).sort()).toEqual(['./c', './e', './side-effect.css', 'a', 'b', 'f', 'g']);
  });

  it('flags each forbidden import', () => {
    expect(checkFile(root, at('src-main/engine/x.ts'), "import { app } from 'electron';")[0]?.rule).toMatch(/electron/);
    expect(checkFile(root, at('src-main/engine/x.ts'), "import { h } from '../host/dispatcher';")[0]?.rule).toMatch(/engine never imports/);
    expect(checkFile(root, at('src-main/host/x.ts'), "import '../app/main';")[0]?.rule).toMatch(/host never imports/);
    expect(checkFile(root, at('src-main/contract/x.ts'), "import { readFile } from 'node:fs';")[0]?.rule).toMatch(/only zod/);
    expect(checkFile(root, at('src-main/contract/x.ts'), "import '../engine/engine';")[0]?.rule).toMatch(/imports nothing/);
    expect(checkFile(root, at('src-renderer/x.ts'), "import { Engine } from '../src-main/engine/engine';")[0]?.rule).toMatch(/only the contract/);
    expect(checkFile(root, at('src-renderer/x.ts'), "import fs from 'node:fs';")[0]?.rule).toMatch(/Node built-ins/);
    expect(checkFile(root, at('src-renderer/x.svelte'), "import { ipcRenderer } from 'electron';").map((v) => v.rule).join()).toMatch(/electron/);
  });

  it('allows what the architecture allows', () => {
    expect(checkFile(root, at('src-main/app/main.ts'), "import { app } from 'electron'; import '../engine/engine'; import '../host/dispatcher';")).toEqual([]);
    expect(checkFile(root, at('src-main/preload/index.ts'), "import { contextBridge } from 'electron';")).toEqual([]);
    expect(checkFile(root, at('src-main/host/x.ts'), "import '../engine/engine'; import { z } from 'zod'; import '@contract';")).toEqual([]);
    expect(checkFile(root, at('src-renderer/x.svelte'), "import { mount } from 'svelte'; import Konva from 'konva'; import type { Job } from '@contract';")).toEqual([]);
  });

  it('holds for the whole source tree', () => {
    expect(checkTree(root)).toEqual([]);
  });
});
