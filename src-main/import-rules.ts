import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Every module specifier a TypeScript or Svelte source imports, re-exports, dynamically imports or requires. */
export function importSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    // A bare `import 'x'` statement (not a word ending in "import", such as the method name 'concepts.import').
    /(?:^|[;{}\n])\s*import\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const found = new Set<string>();
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}

/** The top-level area a file belongs to: src-main/<folder>, src-renderer, or another top folder. */
export function areaOf(root: string, file: string): string {
  const parts = relative(root, file).split(sep);
  return parts[0] === 'src-main' ? `src-main/${parts[1]}` : parts[0]!;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const RENDERER_PACKAGES = ['svelte', 'konva'];

function packageName(spec: string): string {
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
}

export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

/** Checks one file's imports against the architecture's rules (see ARCHITECTURE.md in docs/). */
export function checkFile(root: string, file: string, source: string): Violation[] {
  const from = areaOf(root, file);
  const violations: Violation[] = [];
  for (const spec of importSpecifiers(source)) {
    const target = spec.startsWith('.')
      ? areaOf(root, resolve(dirname(file), spec))
      : spec === '@contract' || spec.startsWith('@contract/')
        ? 'src-main/contract'
        : null;
    const add = (rule: string) => violations.push({ file: relative(root, file), specifier: spec, rule });

    if ((spec === 'electron' || spec.startsWith('electron/')) && from !== 'src-main/app' && from !== 'src-main/preload') {
      add('only src-main/app (and the preload bridge) may import electron');
    }
    if (from === 'src-main/engine' && target && ['src-main/app', 'src-main/host', 'src-main/cli', 'src-main/preload'].includes(target)) {
      add('the engine never imports app, host, cli or preload');
    }
    if (from === 'src-main/host' && target && ['src-main/app', 'src-main/cli', 'src-main/preload'].includes(target)) {
      add('the host never imports app, cli or preload');
    }
    if (from === 'src-main/contract') {
      if (target && target !== 'src-main/contract') add('the contract imports nothing of the app');
      if (!target && packageName(spec) !== 'zod') add('the contract is pure TypeScript: only zod');
    }
    if (from === 'src-renderer') {
      if (target && target !== 'src-renderer' && target !== 'src-main/contract') add('the renderer imports only the contract from src-main');
      if (!target && NODE_BUILTINS.has(spec)) add('the renderer never imports Node built-ins');
      if (!target && !NODE_BUILTINS.has(spec) && !RENDERER_PACKAGES.includes(packageName(spec)) && packageName(spec) !== 'zod') {
        add(`the renderer may import only ${RENDERER_PACKAGES.join(', ')} and the contract`);
      }
    }
  }
  return violations;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

export function checkTree(root: string): Violation[] {
  const files = ['src-main', 'src-renderer'].flatMap((d) => sourceFiles(join(root, d)));
  return files.filter((f) => !f.endsWith('.test.ts')).flatMap((f) => checkFile(root, f, readFileSync(f, 'utf8')));
}
