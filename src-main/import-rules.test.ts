import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkFile, checkTree, importSpecifiers, unusedArrows } from './import-rules';
import { findCycles, loadStructure, parseStructure, structureProblems } from './structure-file';

const root = join(import.meta.dirname, '..');
const structure = loadStructure(root);
const at = (path: string) => join(root, path);
// Sources are written with ‹quotes› so that this file's own text holds no import for the tree check to read.
const js = (text: string) => text.replace(/[‹›]/g, "'").replace(/[“”]/g, '"');
const importOf = (spec: string) => js(`import x from ‹${spec}›;`);

describe('importSpecifiers', () => {
  it('finds every kind of import', () => {
    const source = js(`
      import a from ‹a›;
      import type { B } from “b”;
      import { c,
        d } from ‹./c›;
      export * from ‹./e›;
      import ‹./side-effect.css›;
      const f = await import(‹f›);
      const g = require(‹g›);
      store.require(‹not-a-module›);
    `);
    expect(importSpecifiers(source).sort()).toEqual(['./c', './e', './side-effect.css', 'a', 'b', 'f', 'g']);
  });
});

describe('the real structure', () => {
  it('declares only arrows the tree uses (arrows only tests use under tests)', () => {
    expect(unusedArrows(root, structure)).toEqual([]);
  });

  it('holds for the whole source tree, test files included', () => {
    expect(checkTree(root)).toEqual([]);
  });

  it('declares its arrows without a cycle, so the engine feature folders form an order', () => {
    expect(structureProblems(structure)).toEqual([]);
    expect(findCycles(structure)).toEqual([]);
  });

  // [file, import, the arrow it is reported as] — '' where the structure allows it.
  const cases: [string, string, string][] = [
    ['src-main/engine/library/x.ts', 'electron', 'engine/library → electron'],
    ['src-main/engine/library/x.ts', '../../host/dispatcher', 'engine/library → host'],
    ['src-main/engine/library/x.ts', '../grounding/grounding', 'engine/library → engine/grounding'],
    ['src-main/host/x.ts', '../app/main', 'host → app'],
    ['src-main/contract/x.ts', 'node:fs', 'contract → node:fs'],
    ['src-main/contract/x.ts', '../engine/engine', 'contract → engine'],
    ['src-renderer/x.ts', '../src-main/engine/engine', 'renderer → engine'],
    ['src-renderer/state/x.ts', 'fs', 'renderer/state → node:fs'],
    ['src-renderer/x.svelte', 'electron', 'renderer → electron'],
    ['src-main/engine/storage/x.ts', '../library/db', 'engine/storage → engine/library'],
    ['src-main/engine/shared/x.ts', '../storage/atomic-write', 'engine/shared → engine/storage'],
    // A test may use fixtures in models/, production code may not.
    ['src-main/engine/clip/x.ts', '../../../models/fixtures', 'engine/clip → models'],
    ['src-main/engine/clip/x.test.ts', '../../../models/fixtures', ''],
    ['src-main/app/main.ts', 'electron', ''],
    ['src-main/app/main.ts', '../host/dispatcher', ''],
    ['src-main/preload/index.ts', 'electron', ''],
    ['src-main/preload/index.ts', '@contract/bridge', ''],
    ['src-main/host/x.ts', '../engine/engine', ''],
    ['src-main/host/x.ts', 'node:http', ''],
    ['src-renderer/x.svelte', './state/studio.svelte', ''],
    ['src-renderer/areas/x.svelte', 'konva', ''],
    ['src-renderer/areas/x.svelte', '../components/Icon.svelte', ''],
    ['src-main/engine/services/x.ts', '../library/library', ''],
    ['src-main/engine/services/x.ts', '../shared/lru', ''],
    ['src-main/engine/app-services.ts', './services/library-service', ''],
    ['src-main/engine/storage/x.ts', 'better-sqlite3', ''],
  ];
  it.each(cases)('%s importing %s: %s', (file, spec, arrow) => {
    const found = checkFile(root, at(file), importOf(spec), structure).map((v) => `${v.from} → ${v.to}`);
    expect(found).toEqual(arrow ? [arrow] : []);
  });
});

describe('a synthetic tree', () => {
  const made: string[] = [];
  afterEach(() => made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  const synthetic = {
    sourceFiles: ['**/*.ts'],
    testFiles: ['**/*.test.ts'],
    testPackages: ['vitest'],
    skip: ['node_modules'],
    aliases: { '@contract': 'src/contract/index.ts' },
    parts: [
      { name: 'contract', paths: ['src/contract/**'], packages: ['zod'] },
      { name: 'core', paths: ['src/core/**'], imports: ['contract'], packages: ['node:*'], tests: { imports: ['fixtures'] } },
      { name: 'ui', paths: ['src/ui/**'], imports: ['contract'], packages: ['svelte'] },
      { name: 'fixtures', paths: ['fixtures/**'] },
    ],
  };
  function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'structure-'));
    made.push(dir);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }
  const clean = {
    'src/contract/index.ts': importOf('zod'),
    'src/core/search.ts': [importOf('@contract'), importOf('node:fs')].join('\n'),
    'src/core/search.test.ts': [importOf('./search'), importOf('../../fixtures/photos'), importOf('vitest')].join('\n'),
    'src/ui/view.ts': [importOf('../contract'), importOf('svelte')].join('\n'),
    'fixtures/photos.ts': '',
    'node_modules/lib/index.ts': importOf('anything'),
  };

  it('passes when every arrow is declared', () => {
    expect(checkTree(tree(clean), parseStructure(synthetic))).toEqual([]);
  });

  it('fails on an undeclared arrow, naming the file, the import and both parts', () => {
    const dir = tree({ ...clean, 'src/ui/panel.ts': importOf('../core/search') });
    const [violation, ...rest] = checkTree(dir, parseStructure(synthetic));
    expect(rest).toEqual([]);
    expect(violation).toMatchObject({ file: 'src/ui/panel.ts', specifier: '../core/search', from: 'ui', to: 'core' });
    expect(violation!.message).toContain('src/ui/panel.ts');
    expect(violation!.message).toContain("'../core/search'");
    expect(violation!.message).toContain('ui → core');
  });

  it('gives a test file only the extra arrows declared for tests', () => {
    const dir = tree({ ...clean, 'src/core/index.ts': importOf('../../fixtures/photos'), 'src/ui/view.test.ts': importOf('../../fixtures/photos') });
    expect(checkTree(dir, parseStructure(synthetic)).map((v) => `${v.file}: ${v.from} → ${v.to}`)).toEqual([
      'src/core/index.ts: core → fixtures',
      'src/ui/view.test.ts: ui → fixtures',
    ]);
  });

  it('denies packages and Node built-ins a part does not declare', () => {
    const dir = tree({ ...clean, 'src/ui/store.ts': [importOf('node:path'), importOf('konva'), importOf('svelte/store')].join('\n') });
    expect(checkTree(dir, parseStructure(synthetic)).map((v) => v.to)).toEqual(['node:path', 'konva']);
  });

  it('reports a file that belongs to no part, and an import of one', () => {
    const dir = tree({ ...clean, 'tools/gen.ts': '', 'src/core/gen.ts': importOf('../../tools/gen') });
    const messages = checkTree(dir, parseStructure(synthetic)).map((v) => v.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/src\/core\/gen\.ts imports '\.\.\/\.\.\/tools\/gen' \(tools\/gen\.ts\), which belongs to no part/);
    expect(messages[1]).toMatch(/^tools\/gen\.ts belongs to no part/);
  });

  it('reports an import of a test file, even inside one part', () => {
    const dir = tree({ ...clean, 'src/core/helper.ts': importOf('./search.test') });
    expect(checkTree(dir, parseStructure(synthetic)).map((v) => v.message)).toEqual([
      "src/core/helper.ts imports './search.test', which is a test file: nothing imports a test file",
    ]);
  });

  it('reports a cycle among the declared arrows', () => {
    const cyclic = { ...synthetic, parts: synthetic.parts.map((p) => (p.name === 'contract' ? { ...p, imports: ['ui'] } : p)) };
    expect(findCycles(parseStructure(cyclic))).toEqual([['contract', 'ui', 'contract']]);
    expect(checkTree(tree(clean), parseStructure(cyclic)).map((v) => v.message)).toEqual([
      'src-main/structure.json: the declared arrows form a cycle: contract → ui → contract',
    ]);
  });

  it('reports arrows to unknown parts', () => {
    const typo = { ...synthetic, parts: [...synthetic.parts, { name: 'cli', paths: ['cli/**'], imports: ['croe'] }] };
    expect(structureProblems(parseStructure(typo))).toEqual(['part "cli" imports "croe", which is not a declared part']);
  });

  it('reports declared arrows no import uses, and arrows only tests use', () => {
    expect(unusedArrows(tree(clean), parseStructure(synthetic))).toEqual([]);
    const loose = { ...synthetic, parts: synthetic.parts.map((p) => (p.name === 'ui' ? { ...p, imports: ['contract', 'core', 'fixtures'] } : p)) };
    const dir = tree({ ...clean, 'src/ui/view.test.ts': importOf('../../fixtures/photos') });
    expect(unusedArrows(dir, parseStructure(loose))).toEqual([
      'part "ui" declares an arrow to "core" that no import uses: remove it',
      'part "ui" declares an arrow to "fixtures" that only its tests use: move it to "tests"',
    ]);
  });

  it('allows a listed exception for its one file, and reports one that no import uses any more', () => {
    const exception = { file: 'src/ui/panel.ts', imports: 'src/core/search.ts', why: 'on its way out' };
    const withException = parseStructure({ ...synthetic, exceptions: [exception] });
    expect(checkTree(tree({ ...clean, 'src/ui/panel.ts': importOf('../core/search') }), withException)).toEqual([]);
    expect(checkTree(tree({ ...clean, 'src/ui/other.ts': importOf('../core/search') }), withException).map((v) => v.message)).toEqual([
      expect.stringContaining('ui → core'),
      'src-main/structure.json: the exception src/ui/panel.ts → src/core/search.ts matches no import any more: remove it',
    ]);
  });
});
