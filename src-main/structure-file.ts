import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Where the declared import structure lives, relative to the repository root. */
export const STRUCTURE_FILE = 'src-main/structure.json';

const partSchema = z.strictObject({
  name: z.string().min(1),
  paths: z.array(z.string().min(1)).min(1),
  imports: z.array(z.string()).default([]),
  packages: z.array(z.string()).default([]),
  tests: z.strictObject({ imports: z.array(z.string()).default([]), packages: z.array(z.string()).default([]) }).optional(),
  why: z.record(z.string(), z.string()).optional(),
});

const structureSchema = z.strictObject({
  $comment: z.string().optional(),
  sourceFiles: z.array(z.string()).min(1),
  testFiles: z.array(z.string()),
  testPackages: z.array(z.string()).default([]),
  skip: z.array(z.string()).default([]),
  aliases: z.record(z.string(), z.string()).default({}),
  parts: z.array(partSchema).min(1),
  exceptions: z.array(z.strictObject({ file: z.string(), imports: z.string(), why: z.string().min(1) })).default([]),
});

export type Part = z.infer<typeof partSchema>;
export type Structure = z.infer<typeof structureSchema>;

export function parseStructure(data: unknown): Structure {
  return structureSchema.parse(data);
}

export function loadStructure(root: string): Structure {
  return parseStructure(JSON.parse(readFileSync(join(root, STRUCTURE_FILE), 'utf8')));
}

/** A glob over '/'-separated relative paths: `*` stays inside one folder, `**` crosses folders. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (glob.startsWith('**/', i)) {
      pattern += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      pattern += '.*';
      i += 1;
    } else if (char === '*') pattern += '[^/]*';
    else pattern += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

const compiled = new Map<string, RegExp>();

export function matchesAny(path: string, globs: readonly string[]): boolean {
  return globs.some((glob) => {
    let regExp = compiled.get(glob);
    if (!regExp) compiled.set(glob, (regExp = globToRegExp(glob)));
    return regExp.test(path);
  });
}

/** The part that owns a path: the first declared part with a matching pattern. */
export function partOf(structure: Structure, path: string): Part | undefined {
  return structure.parts.find((part) => matchesAny(path, part.paths));
}

/** Mistakes in the structure itself: duplicate or unknown part names, and cycles among the declared (non-test) arrows. */
export function structureProblems(structure: Structure): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const part of structure.parts) {
    if (names.has(part.name)) problems.push(`part "${part.name}" is declared twice`);
    names.add(part.name);
  }
  for (const part of structure.parts) {
    for (const target of [...part.imports, ...(part.tests?.imports ?? [])]) {
      if (!names.has(target)) problems.push(`part "${part.name}" imports "${target}", which is not a declared part`);
    }
    for (const target of Object.keys(part.why ?? {})) {
      const declared = part.imports.includes(target) || part.packages.includes(target);
      if (!declared) problems.push(`part "${part.name}" explains an arrow to "${target}" that it does not declare`);
    }
  }
  for (const cycle of findCycles(structure)) problems.push(`the declared arrows form a cycle: ${cycle.join(' → ')}`);
  return problems;
}

/**
 * Cycles among the parts' production arrows. Test arrows are left out: nothing may import a test file,
 * so an arrow from a test can never close a loop of modules.
 */
export function findCycles(structure: Structure): string[][] {
  const arrows = new Map(structure.parts.map((part) => [part.name, part.imports.filter((to) => to !== part.name)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (name: string) => {
    state.set(name, 'open');
    stack.push(name);
    for (const next of arrows.get(name) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of arrows.keys()) if (!state.has(name)) visit(name);
  return cycles;
}
