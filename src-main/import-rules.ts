import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import { loadStructure, matchesAny, partOf, STRUCTURE_FILE, structureProblems, type Part, type Structure } from './structure-file';

/** Every module specifier a TypeScript or Svelte source imports, re-exports, dynamically imports or requires. */
export function importSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    // A bare side-effect import statement (not a word ending in "import", such as the method name 'concepts.import').
    /(?:^|[;{}\n])\s*import\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    // A require call, not a method that happens to be named require (the model store's require of a model id).
    /(?<![.\w$])require\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const found = new Set<string>();
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}

export interface Violation {
  /** The file at fault, relative to the repository root ('/'-separated). */
  file: string;
  specifier?: string;
  from?: string;
  to?: string;
  message: string;
}

const BUILTINS = new Set(builtinModules);

/** The package a bare specifier names: `@scope/name`, `name`, or `node:<module>` for a Node built-in. */
export function packageName(spec: string): string {
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
  const name = bare.startsWith('@') ? bare.split('/').slice(0, 2).join('/') : bare.split('/')[0]!;
  return spec.startsWith('node:') || BUILTINS.has(name) ? `node:${name}` : name;
}

function packageAllowed(name: string, allowed: readonly string[]): boolean {
  return allowed.includes(name) || (name.startsWith('node:') && allowed.includes('node:*'));
}

const toPosix = (path: string) => path.split(sep).join('/');

/** The repository-relative file a relative or aliased specifier points at, or null for a package. */
function targetPath(root: string, fileRel: string, spec: string, aliases: Record<string, string>): string | null {
  let path: string | null = null;
  if (spec.startsWith('.')) path = posix.normalize(posix.join(posix.dirname(fileRel), spec));
  else {
    const alias = Object.keys(aliases)
      .sort((a, b) => b.length - a.length)
      .find((key) => (key.endsWith('/') ? spec.startsWith(key) : spec === key));
    if (alias !== undefined) path = alias.endsWith('/') ? aliases[alias]! + spec.slice(alias.length) : aliases[alias]!;
  }
  if (path === null) return null;
  const candidates = [path, `${path}.ts`, `${path}.js`, `${path}.mjs`, `${path}.svelte`, `${path}/index.ts`, path.replace(/\.js$/, '.ts')];
  return candidates.find((candidate) => existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile()) ?? path;
}

/**
 * Checks one file's imports against the structure: an import is allowed only when it stays inside the file's part,
 * follows an arrow its part declares (test files: plus the part's test arrows), names a package its part declares,
 * or is listed as an exception. `usedExceptions` collects the indexes of the exceptions that allowed something.
 */
export function checkFile(
  root: string,
  file: string,
  source: string,
  structure: Structure = loadStructure(root),
  usedExceptions?: Set<number>,
  usedArrows?: Set<string>,
): Violation[] {
  const fileRel = toPosix(relative(root, file));
  const part = partOf(structure, fileRel);
  if (!part) return [{ file: fileRel, message: `${fileRel} belongs to no part in ${STRUCTURE_FILE}` }];
  const isTest = matchesAny(fileRel, structure.testFiles);
  const imports = [...part.imports, ...(isTest ? (part.tests?.imports ?? []) : [])];
  const packages = [...part.packages, ...(isTest ? [...structure.testPackages, ...(part.tests?.packages ?? [])] : [])];
  const who = isTest ? `the tests of "${part.name}"` : `part "${part.name}"`;
  const violations: Violation[] = [];

  for (const spec of importSpecifiers(source)) {
    const add = (message: string, to?: string) => violations.push({ file: fileRel, specifier: spec, from: part.name, ...(to ? { to } : {}), message });
    const path = targetPath(root, fileRel, spec, structure.aliases);
    if (path === null) {
      const name = packageName(spec);
      if (!packageAllowed(name, packages)) add(`${fileRel} imports '${spec}': ${who} may not use the package "${name}" (declare it in ${STRUCTURE_FILE})`, name);
      continue;
    }
    const exception = structure.exceptions.findIndex((e) => e.file === fileRel && e.imports === path);
    if (exception >= 0) {
      usedExceptions?.add(exception);
      continue;
    }
    if (matchesAny(path, structure.testFiles) && path !== fileRel) {
      add(`${fileRel} imports '${spec}', which is a test file: nothing imports a test file`);
      continue;
    }
    const target: Part | undefined = partOf(structure, path);
    if (!target) add(`${fileRel} imports '${spec}' (${path}), which belongs to no part in ${STRUCTURE_FILE}`);
    else if (target !== part && !imports.includes(target.name)) {
      add(`${fileRel} imports '${spec}': the arrow ${part.name} → ${target.name} is not declared for ${who} in ${STRUCTURE_FILE}`, target.name);
    } else if (target !== part) usedArrows?.add(arrowKey(part.name, target.name, isTest));
  }
  return violations;
}

function arrowKey(from: string, to: string, fromTests: boolean): string {
  return `${fromTests ? 'tests of ' : ''}${from} → ${to}`;
}

/**
 * Declared arrows that no import uses: an arrow in `imports` that only tests use belongs in `tests.imports`, and one
 * nothing uses goes, so the structure file stays a true picture of the tree rather than a list of permissions.
 */
export function unusedArrows(root: string, structure: Structure = loadStructure(root)): string[] {
  const used = new Set<string>();
  for (const file of sourceFiles(root, structure)) checkFile(root, join(root, file), readFileSync(join(root, file), 'utf8'), structure, undefined, used);
  return structure.parts.flatMap((part) => [
    ...part.imports
      .filter((to) => !used.has(arrowKey(part.name, to, false)))
      .map((to) => `part "${part.name}" declares an arrow to "${to}" that ${used.has(arrowKey(part.name, to, true)) ? 'only its tests use: move it to "tests"' : 'no import uses: remove it'}`),
    ...(part.tests?.imports ?? []).filter((to) => !used.has(arrowKey(part.name, to, true))).map((to) => `the tests of "${part.name}" declare an arrow to "${to}" that no test uses: remove it`),
  ]);
}

/** The source files under root that the structure covers, '/'-separated and relative to root. */
export function sourceFiles(root: string, structure: Structure, dir = ''): string[] {
  return readdirSync(join(root, dir)).sort().flatMap((name) => {
    const rel = dir ? `${dir}/${name}` : name;
    if (statSync(join(root, rel)).isDirectory()) return matchesAny(rel, structure.skip) ? [] : sourceFiles(root, structure, rel);
    return matchesAny(rel, structure.sourceFiles) ? [rel] : [];
  });
}

/** Every way the tree under root departs from its structure file (empty when it holds). */
export function checkTree(root: string, structure: Structure = loadStructure(root)): Violation[] {
  const problems: Violation[] = structureProblems(structure).map((problem) => ({ file: STRUCTURE_FILE, message: `${STRUCTURE_FILE}: ${problem}` }));
  const used = new Set<number>();
  for (const file of sourceFiles(root, structure)) {
    problems.push(...checkFile(root, join(root, file), readFileSync(join(root, file), 'utf8'), structure, used));
  }
  structure.exceptions.forEach((exception, index) => {
    if (!used.has(index)) {
      problems.push({ file: STRUCTURE_FILE, message: `${STRUCTURE_FILE}: the exception ${exception.file} → ${exception.imports} matches no import any more: remove it` });
    }
  });
  return problems;
}
