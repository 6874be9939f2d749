import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Concept, GroundedRecipe } from '@contract';
import { fixturePaths } from '../../../models/fixtures';
import { startEngine, type Services } from '../app-services';
import { sha256 } from './grounding';

const paths = fixturePaths();
let engine: Services;
let photos: string;
const small = { width: 64, height: 64, steps: 12, seed: 4 };

const meanRgb = async (png: Buffer) => {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  for (let i = 0; i < info.width * info.height; i++) for (let c = 0; c < 3; c++) sum[c]! += data[i * info.channels + c]!;
  return sum.map((s) => s / (info.width * info.height));
};

/** A studio with the scene CLIP, the fixture instruction model, and a dozen scene-world pictures as its library. */
beforeAll(async () => {
  const modelsDir = await mkdtemp(join(tmpdir(), 'studio-grounding-models-'));
  await cp(paths.sceneClip, join(modelsDir, 'clip-vit-b32'), { recursive: true });
  await cp(paths.sd.instruct, join(modelsDir, 'sd15-instruct-pix2pix'), { recursive: true });
  photos = await mkdtemp(join(tmpdir(), 'studio-grounding-photos-'));
  for (const color of ['red', 'blue', 'green', 'yellow']) {
    for (const shape of ['circle', 'square', 'triangle']) await cp(join(paths.world, `${color}-${shape}-0.png`), join(photos, `${color}-${shape}-0.png`));
  }
  engine = await startEngine({ dataDir: await mkdtemp(join(tmpdir(), 'studio-grounding-')), modelsDir, host: 'cli' });
  engine.library.addRoot(photos);
  expect((await engine.jobs.settled(engine.library.refresh().id)).state).toBe('done');
}, 120_000);
afterAll(() => engine.close());

describe('grounded generation in the studio', () => {
  it('retrieves neighbours for a prompt by CLIP and names, fused', async () => {
    const { neighbours, note } = await engine.grounding.retrieve('a blue square', 3);
    expect(note).toBeNull();
    expect(neighbours).toHaveLength(3);
    expect(neighbours[0]!.name).toBe('blue-square-0.png');
    expect(neighbours.every((n) => n.source === 'library' && /^[0-9a-f]{64}$/.test(n.sha256!))).toBe(true);
  });

  it('creates from auto neighbours: their color survives a prompt that names none; the recipe replays bit for bit', async () => {
    const result = await engine.grounding.run({ mode: 'create', prompt: 'a blue thing', neighbours: 'auto', params: { ...small, k: 1, eta: 0.2 } });
    const [r, , b] = await meanRgb(result.png);
    expect(b).toBeGreaterThan(r!);
    expect(result.recipe.schedule).toBe(result.schedule);
    expect(result.schedule).toHaveLength(12);
    expect(result.recipe.neighbours[0]!.sha256).toBe(sha256(await readFile(result.neighbours[0]!.path)));
    const replay = await engine.grounding.replay(JSON.parse(JSON.stringify(result.recipe)));
    expect(replay.matches).toBe(true);
    expect(replay.png.equals(result.png)).toBe(true);
  });

  it('edits grounded in given files; replay names a missing neighbour', async () => {
    const source = await sharp({ create: { width: 128, height: 128, channels: 3, background: '#22cc44' } }).png().toBuffer();
    const pinned = (await engine.grounding.retrieve('red circle', 1)).neighbours[0]!;
    const dropped = await engine.uploads.put(await readFile(join(photos, 'red-square-0.png')));
    const result = await engine.grounding.run({ mode: 'edit', prompt: 'a thing', neighbours: [{ itemId: pinned.itemId! }, { uploadId: dropped, name: 'my red square.png' }], source, params: { ...small, eta: 0, guidance: 1.5 } });
    const [r, g] = await meanRgb(result.png);
    const [r0, g0] = await meanRgb(source);
    expect(r! - g!).toBeGreaterThan(r0! - g0! + 40);
    expect(result.recipe.source).not.toBeNull();
    expect(result.neighbours.map((n) => [n.source, n.name])).toEqual([
      ['library', 'red-circle-0.png'],
      ['library', 'my red square.png'],
    ]);

    const recipe: GroundedRecipe = JSON.parse(JSON.stringify(result.recipe));
    recipe.neighbours[1] = { ...recipe.neighbours[1]!, sha256: 'f'.repeat(64), path: join(photos, 'gone.png') };
    await expect(engine.grounding.replay(recipe)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/Neighbour 2, “my red square.png”.*missing/) });
  });

  it('a dropped neighbour replays from the dropped files; one that is gone is named', async () => {
    const mine = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#ddcc11' } }).png().toBuffer();
    const id = await engine.uploads.put(mine);
    const result = await engine.grounding.run({ mode: 'create', prompt: 'a thing', neighbours: [{ uploadId: id, name: 'mine.png' }], params: small });
    expect(result.neighbours[0]).toMatchObject({ source: 'file', name: 'mine.png', sha256: id });
    expect((await engine.grounding.replay(result.recipe)).matches).toBe(true);
    await rm(engine.uploads.path(id));
    await expect(engine.grounding.replay(result.recipe)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/Neighbour 1, “mine.png”/) });
  });

  it('bad knobs are refused with a clear error', async () => {
    await expect(engine.grounding.run({ mode: 'create', prompt: 'x', neighbours: 'auto', params: { eta: 1.5 } })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/eta/) });
    await expect(engine.grounding.replay({ format: 'something else' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  });

  it('"*name" in the prompt brings the concept’s own photos as the first neighbours', async () => {
    const uploads = await Promise.all(['green-circle-0.png', 'green-square-0.png', 'green-triangle-0.png'].map(async (f) => ({ uploadId: await engine.uploads.put(await readFile(join(photos, f))) })));
    const job = await engine.concepts.teach({ name: 'leafy', parent: 'shape', photos: uploads });
    const done = await engine.jobs.settled(job.id);
    expect(done.state, done.error?.message).toBe('done');
    expect((done.result as Concept).name).toBe('leafy');
    const { neighbours } = await engine.grounding.retrieve('*leafy on a table', 4);
    expect(neighbours.slice(0, 3).map((n) => n.source)).toEqual(['concept', 'concept', 'concept']);
    expect(neighbours[3]!.source).toBe('library');
  }, 60_000);
});

describe('grounded turns in an edit project', () => {
  it('edit and create turns join the turn tree with their schedule and neighbours; their recipes replay bit for bit', async () => {
    const project = await engine.edit.createProject({ blank: { width: 128, height: 128 } }, 'Grounded');
    const neighbours = (await engine.grounding.retrieve('a green circle', 2)).neighbours.map((n) => ({ itemId: n.itemId! }));
    const run = async (request: Parameters<typeof engine.grounding.runTurn>[0]) => {
      const done = await engine.jobs.settled(engine.grounding.runTurn(request).id);
      expect(done.state, done.error?.message).toBe('done');
      return done.result as import('@contract').ProjectView;
    };
    let view = await run({ projectId: project.id, mode: 'create', prompt: 'a thing', neighbours, params: { steps: 8, seed: 2, eta: 0.25 } });
    const created = view.tree.find((t) => t.id === view.cursor)!;
    expect(created).toMatchObject({ pipeline: 'grounded-create', parentId: project.cursor, grounding: { eta: 0.25, schedule: 'TNNNTNNN', mix: 'turns' } });
    expect(created.grounding!.neighbours.map((n) => n.name)).toEqual(['green-circle-0.png', expect.stringMatching(/-circle-0\.png$/)]);
    view = await run({ projectId: project.id, mode: 'edit', prompt: 'make it red', neighbours: 'auto', params: { steps: 6, seed: 3, eta: 0.5, k: 1 } });
    const edited = view.tree.find((t) => t.id === view.cursor)!;
    expect(edited).toMatchObject({ pipeline: 'grounded-edit', parentId: created.id });
    for (const turn of [created, edited]) {
      const recipe = await engine.grounding.recipe(turn.id);
      const replay = await engine.grounding.replay(recipe);
      expect(replay.matches, `turn ${turn.pipeline}`).toBe(true);
      expect(sha256(replay.png)).toBe(sha256(await readFile(join(engine.files.turnsDir, String(project.id), turn.image.split('/').at(-1)!))));
    }
    // The neighbours' content hashes are named by the turns, so the startup sweep of old uploads keeps them.
    const named = engine.edit.referencedHashes();
    for (const n of [...created.grounding!.neighbours, ...edited.grounding!.neighbours]) expect(named).toContain(n.sha256);
    // An ordinary turn's recipe starts from the grounded turn before it.
    expect((await engine.edit.recipe(edited.id)).turns).toEqual([]);
    await expect(engine.grounding.recipe(project.cursor)).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  }, 60_000);
});
