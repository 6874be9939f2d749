import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import manifestJson from '../../../models/manifest.json';
import { fixturePaths } from '../../../models/fixtures';
import { JobRunner } from '../jobs/runner';
import { parseManifest } from '../models/manifest';
import { Editor } from './editor';
import { finishedProject, fixtureEditor } from './fixture-editor';
import { sha256 } from './recipe';

const paths = fixturePaths();
const jobs = new JobRunner({ progressIntervalMs: 0 });
let editor: Editor;
// DDIM: the fixture UNet knows its clean latent, so only DDIM's last step (to ᾱ₀, not 1) keeps a trace of the seed's noise.
const params = { steps: 3, seed: 11, scheduler: 'ddim' as const, textGuidance: 7.5, imageGuidance: 1.5, strength: 1, feather: 2 };

const finish = (job: { id: string }) => finishedProject(jobs, job);

beforeAll(async () => {
  ({ editor } = await fixtureEditor(paths.sd, parseManifest(manifestJson), jobs));
});

describe('variations of a turn', () => {
  it('two variations: one job over all steps, two sibling turns with consecutive seeds and different pixels, each replays', async () => {
    const created = await editor.createProject(join(paths.world, 'red-square-0.png'), 'variations');
    const job = editor.runTurn({ projectId: created.id, instruction: 'make it green', params, variations: 2 });
    expect(job.progress.total).toBe(6);
    const view = await finish(job);

    expect(view.variations).toHaveLength(2);
    const [first, second] = view.variations!;
    expect(view.cursor).toBe(first);
    const siblings = view.tree.filter((t) => t.parentId === created.cursor);
    expect(siblings.map((t) => [t.id, t.params?.seed])).toEqual([
      [first, 11],
      [second, 12],
    ]);
    const done = await jobs.settled(job.id);
    expect(done.progress.done).toBe(6);

    const files = [first!, second!].map((id) => editor.store.filePath(editor.store.turnRow(id))!);
    const [a, b] = await Promise.all(files.map((f) => readFile(f)));
    expect(sha256(a!)).not.toBe(sha256(b!));

    for (const [i, id] of [first!, second!].entries()) {
      const recipe = await editor.recipe(id);
      expect(recipe.turns[0]!.params!.seed).toBe(11 + i);
      const replayed = await editor.replay(JSON.parse(JSON.stringify(recipe)));
      expect(replayed.matches).toEqual([true]);
      expect(sha256(replayed.png)).toBe(sha256(i === 0 ? a! : b!));
    }

    // Picking the second continues from it: the next turn's parent.
    editor.store.setCursor(view.id, second!);
    const next = await finish(editor.runTurn({ projectId: view.id, instruction: 'brighter', params }));
    expect(next.tree.find((t) => t.id === next.cursor)!.parentId).toBe(second);
    expect(next.variations).toBeUndefined();
  });

  it('refuses more than four variations', () => {
    expect(() => editor.runTurn({ projectId: 1, instruction: 'x', params, variations: 5 })).toThrow();
  });
});
