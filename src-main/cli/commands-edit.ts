import { copyFile, writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { AppError } from '@contract';
import { projectName } from '../engine/edit/editor';
import { callDirect } from '../host/dispatcher';
import { groundedEdit, replayGrounded } from './commands-grounding';
import { type Command, follow, numberOf, outputFile, print, readUserFile, reportJob, str, upload } from './shared';

/** edit and replay: one headless edit turn, and replaying a recipe. */
export const editCommands: Record<string, Command> = {
  edit: async (dispatch, engine, opts) => {
    const image = str(opts.values, 'image');
    const instruction = str(opts.values, 'instruction');
    // Checked before anything is created, so a bad --out leaves no project behind.
    const out = outputFile(opts.values, 'out');
    const recipeOut = outputFile(opts.values, 'recipe-out');
    if (!image || !instruction || !out) throw new AppError('INVALID_PARAMS', 'Usage: edit --image FILE --instruction "…" --out FILE.png|.jpg|.webp (see --help)');
    if (str(opts.values, 'ground') !== undefined) return groundedEdit(engine, opts, image, instruction, out);
    const project = await callDirect(dispatch, 'edit.projects.create', { reference: { uploadId: await upload(engine, image) }, name: projectName(image) });
    const mask = str(opts.values, 'mask');
    const defined = <T>(v: T | undefined, k: string) => (v === undefined ? {} : { [k]: v });
    const params = {
      ...defined(numberOf(opts.values, 'seed'), 'seed'),
      ...defined(numberOf(opts.values, 'steps'), 'steps'),
      ...defined(numberOf(opts.values, 'text-guidance'), 'textGuidance'),
      ...defined(numberOf(opts.values, 'image-guidance'), 'imageGuidance'),
      ...defined(numberOf(opts.values, 'strength'), 'strength'),
      ...defined(str(opts.values, 'scheduler'), 'scheduler'),
    };
    const job = await follow(
      engine,
      await callDirect(dispatch, 'edit.turns.run', {
        projectId: project.id,
        instruction,
        negative: str(opts.values, 'negative') ?? '',
        maskUploadId: mask ? await upload(engine, mask) : null,
        params: params as never,
      }),
    );
    const view = job.state === 'done' ? job.result : null;
    if (!view) return reportJob(opts, job, () => '');
    const turn = engine.edit.turn(view.cursor);
    // The full-size result (the change upscaled onto the original), in the format the file name asks for.
    const extension = extname(out).toLowerCase();
    const format = extension === '.jpg' || extension === '.jpeg' ? 'jpeg' : extension === '.webp' ? 'webp' : 'png';
    const exported = await engine.edit.exportTurn({ turnId: view.cursor, format, ...defined(numberOf(opts.values, 'quality'), 'quality') });
    await copyFile(engine.edit.exportedFile(view.id, exported.url), out);
    if (recipeOut) await writeFile(recipeOut, `${JSON.stringify(await engine.edit.recipe(view.cursor), null, 1)}\n`);
    const timings = view.tree.find((t) => t.id === view.cursor)!.timings!;
    print(
      opts,
      { out, width: exported.width, height: exported.height, recipe: recipeOut ?? null, projectId: view.id, turnId: view.cursor, pipeline: turn.pipeline, timings },
      `Wrote ${out} (${exported.width}×${exported.height})${recipeOut ? ` and ${recipeOut}` : ''} (${turn.pipeline}, ${timings.steps} steps in ${(timings.totalMs / 1000).toFixed(2)} s; UNet ${(timings.unetMs / 1000).toFixed(2)} s).`,
    );
  },
  replay: async (_dispatch, engine, opts) => {
    const [file] = opts.args;
    const out = outputFile(opts.values, 'out');
    if (!file || !out) throw new AppError('INVALID_PARAMS', 'Usage: replay RECIPE.json --out PNG');
    let recipe: unknown;
    try {
      recipe = JSON.parse((await readUserFile(file)).toString('utf8'));
    } catch (error) {
      throw new AppError('INVALID_PARAMS', `Cannot read ${resolve(file)} as JSON: ${(error as Error).message}`);
    }
    if ((recipe as { format?: unknown } | null)?.format === 'compose-studio.grounded-recipe') return replayGrounded(engine, opts, recipe, out);
    const { png, matches } = await engine.edit.replay(recipe, (i, n) => process.stderr.write(`Replaying turn ${i + 1} of ${n}…\n`));
    await writeFile(out, png);
    const same = matches.every(Boolean);
    print(opts, { out, matches, identical: same }, `Wrote ${out}: ${same ? 'identical to the recorded result, bit for bit' : `turns ${matches.map((m, i) => (m ? null : i + 1)).filter(Boolean).join(', ')} differ from the recording (another model file or execution provider?)`}.`);
  },
};
