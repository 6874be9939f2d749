import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { AppError, type GroundedParams } from '@contract';
import type { Services } from '../engine/app-services';
import type { GroundedResult, NeighbourInput } from '../engine/grounding/grounding';
import { type Command, type Options, numberOf, optionalPath, print, str, upload } from './shared';

/** --neighbors / --ground: "auto" (retrieved for the prompt) or comma-separated picture files (kept as uploads). */
async function neighbourInputs(engine: Services, spec: string | undefined): Promise<'auto' | NeighbourInput[]> {
  if (spec === undefined || spec === 'auto') return 'auto';
  const files = spec.split(',').map((f) => f.trim()).filter(Boolean);
  if (files.length === 0) throw new AppError('INVALID_PARAMS', 'Give “auto” or picture files separated by commas.');
  return Promise.all(files.map(async (file) => ({ uploadId: await upload(engine, file), name: basename(file) })));
}

function groundedParams(values: Options['values']): Partial<GroundedParams> {
  const out: Record<string, unknown> = {};
  for (const [flag, key] of [['k', 'k'], ['eta', 'eta'], ['guidance', 'guidance'], ['steps', 'steps'], ['seed', 'seed'], ['width', 'width'], ['height', 'height']] as const) {
    const v = numberOf(values, flag);
    if (v !== undefined) out[key] = v;
  }
  for (const key of ['scheduler', 'mix'] as const) {
    const v = str(values, key);
    if (v !== undefined) out[key] = v;
  }
  return out as Partial<GroundedParams>;
}

async function writeResult(opts: Options, result: GroundedResult, out: string): Promise<void> {
  await writeFile(out, result.png);
  const recipeOut = optionalPath(opts.values, 'recipe-out');
  if (recipeOut) await writeFile(recipeOut, `${JSON.stringify(result.recipe, null, 1)}\n`);
  if (result.note) process.stderr.write(`Note: ${result.note}\n`);
  const t = result.timings;
  print(
    opts,
    { out, recipe: recipeOut ?? null, schedule: result.schedule, neighbours: result.neighbours.map((n) => ({ source: n.source, name: n.name, path: n.path, sha256: n.sha256 })), timings: t, provider: result.recipe.provider },
    [
      `Wrote ${out}${recipeOut ? ` and ${recipeOut}` : ''} (${t.steps} steps in ${(t.totalMs / 1000).toFixed(2)} s; UNet ${(t.unetMs / 1000).toFixed(2)} s).`,
      `Schedule (T text-enhanced, N neighbour-enhanced): ${result.schedule}`,
      'Neighbours:',
      ...result.neighbours.map((n, i) => `  ${i + 1}. ${n.name} (${n.source}) ${n.path}`),
    ].join('\n'),
  );
}

/** Grounded generation: `generate` (create from neighbours) and `edit --ground` (edit grounded in neighbours). */
export const groundingCommands: Record<string, Command> = {
  generate: async (_dispatch, engine, opts) => {
    const prompt = opts.args.join(' ').trim();
    const out = optionalPath(opts.values, 'out');
    if (!prompt || !out) throw new AppError('INVALID_PARAMS', 'Usage: generate "TEXT" [--neighbors auto|PATH,…] [--k 3] [--eta 0.5] [--guidance 7.5] [--steps N] [--seed N] --out PNG [--recipe-out JSON]');
    const result = await engine.grounding.run({
      mode: 'create',
      prompt,
      negative: str(opts.values, 'negative') ?? '',
      neighbours: await neighbourInputs(engine, str(opts.values, 'neighbors')),
      params: groundedParams(opts.values),
    });
    await writeResult(opts, result, out);
  },
};

/** `edit --image FILE --instruction "…" --ground auto|PATH,… --out PNG`: the picture stays the source, neighbours steer. */
export async function groundedEdit(engine: Services, opts: Options, image: string, instruction: string, out: string): Promise<void> {
  let source: Buffer;
  try {
    source = await readFile(resolve(image));
  } catch (error) {
    throw new AppError('NOT_FOUND', `Cannot read ${resolve(image)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const result = await engine.grounding.run({
    mode: 'edit',
    prompt: instruction,
    negative: str(opts.values, 'negative') ?? '',
    neighbours: await neighbourInputs(engine, str(opts.values, 'ground')),
    source,
    params: groundedParams(opts.values),
  });
  await writeResult(opts, result, out);
}

/** Replays a grounded recipe (the `replay` command hands these over by their format). */
export async function replayGrounded(engine: Services, opts: Options, recipe: unknown, out: string): Promise<void> {
  const { png, matches, schedule } = await engine.grounding.replay(recipe);
  await writeFile(out, png);
  print(opts, { out, matches: [matches], identical: matches, schedule }, `Wrote ${out}: ${matches ? 'identical to the recorded result, bit for bit' : 'differs from the recording (another model file or execution provider?)'}. Schedule ${schedule}.`);
}
