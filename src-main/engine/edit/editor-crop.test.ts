import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import manifestJson from '../../../models/manifest.json';
import { fixturePaths } from '../../../models/fixtures';
import { JobRunner } from '../jobs/runner';
import { parseManifest } from '../models/manifest';
import { Editor } from './editor';
import { finishedProject, fixtureEditor } from './fixture-editor';
import { sha256 } from './recipe';

const paths = fixturePaths();
const jobs = new JobRunner();
let editor: Editor;
const params = { steps: 3, seed: 3, scheduler: 'ddim' as const, textGuidance: 7.5, imageGuidance: 1.5, strength: 1, feather: 2 };

const finish = (job: { id: string }) => finishedProject(jobs, job);

/** A 1200×900 photo with detail everywhere (a crop that resampled would not match it). */
async function detailedPhoto(): Promise<Buffer> {
  const data = Buffer.alloc(1200 * 900 * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  return sharp(data, { raw: { width: 1200, height: 900, channels: 3 } }).png().toBuffer();
}

const rawOf = async (png: Buffer) => (await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true }));
const exportPng = async (turnId: number) => (await editor.renderTurn({ turnId, format: 'png', quality: 90, maxSide: null })).bytes;

beforeAll(async () => {
  ({ editor } = await fixtureEditor(paths.sd, parseManifest(manifestJson), jobs));
});

describe('crop turns', () => {
  it('crops the original at full resolution, records the box, and a recipe through it replays bit for bit', async () => {
    const photo = await detailedPhoto();
    const created = await editor.createProject(photo, 'crop');
    expect(created).toMatchObject({ width: 768, height: 576, originalWidth: 1200 });

    const view = await editor.crop({ projectId: created.id, box: { x: 0.25, y: 0.1, width: 0.5, height: 0.6 } });
    const crop = view.tree.find((t) => t.id === view.cursor)!;
    expect(crop).toMatchObject({ parentId: created.cursor, pipeline: 'crop', instruction: 'Crop 600×540', params: null, modelId: null });
    expect(crop.crop).toEqual({ left: 300, top: 90, width: 600, height: 540, of: { width: 1200, height: 900 } });

    // Its export is exactly sharp's extract of the full-resolution original.
    const exported = await rawOf(await exportPng(crop.id));
    const expected = await sharp(photo).extract({ left: 300, top: 90, width: 600, height: 540 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(exported.info).toMatchObject({ width: 600, height: 540 });
    expect(exported.data.equals(expected.data)).toBe(true);

    // An edit after the crop exports at the crop's full size; the recipe has the box and replays both turns.
    const edited = await finish(editor.runTurn({ projectId: view.id, instruction: 'make it green', params }));
    expect((await rawOf(await exportPng(edited.cursor))).info).toMatchObject({ width: 600, height: 540 });
    const recipe = await editor.recipe(edited.cursor);
    expect(recipe.turns.map((t) => t.pipeline)).toEqual(['crop', 'instruct']);
    expect(recipe.turns[0]!.crop).toEqual(crop.crop);
    const replayed = await editor.replay(JSON.parse(JSON.stringify(recipe)));
    expect(replayed.matches).toEqual([true, true]);
    expect(sha256(replayed.png)).toBe(recipe.turns[1]!.resultSha256);

    // A crop of an edited turn cuts the parent's full-size render, pixel for pixel.
    const again = await editor.crop({ projectId: view.id, box: { x: 0, y: 0.5, width: 0.5, height: 0.5 } });
    const parentFull = await exportPng(edited.cursor);
    const second = again.tree.find((t) => t.id === again.cursor)!;
    expect(second.crop).toEqual({ left: 0, top: 270, width: 300, height: 270, of: { width: 600, height: 540 } });
    const cut = await sharp(parentFull).extract({ left: 0, top: 270, width: 300, height: 270 }).removeAlpha().raw().toBuffer();
    expect((await rawOf(await exportPng(second.id))).data.equals(cut)).toBe(true);
  });

  it('refuses a box outside the picture or too small, and changes nothing', async () => {
    const created = await editor.createProject(join(paths.world, 'red-square-0.png'), 'bad crop');
    await expect(editor.crop({ projectId: created.id, box: { x: 0.8, y: 0, width: 0.5, height: 0.5 } })).rejects.toThrow(/inside the picture/);
    await expect(editor.crop({ projectId: created.id, box: { x: 0, y: 0, width: 0.01, height: 0.01 } })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    expect(editor.store.view(created.id).tree).toHaveLength(1);
  });
});
