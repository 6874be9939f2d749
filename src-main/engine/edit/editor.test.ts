import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EditStep } from '@contract';
import manifestJson from '../../../models/manifest.json';
import { fixturePaths } from '../../../models/fixtures';
import { JobRunner } from '../jobs/runner';
import { parseManifest } from '../models/manifest';
import { ModelStore } from '../models/model-store';
import { SessionPool } from '../models/session-pool';
import { Uploads } from '../storage/uploads';
import { Editor, workingSize } from './editor';
import { finishedProject, fixtureEditor } from './fixture-editor';
import { decodeRgb } from '../shared/pixels';
import { TurnStore } from './turn-store';

const paths = fixturePaths();
const jobs = new JobRunner();
let editor: Editor;
let dir: string;
let uploads: Uploads;
const steps: EditStep[] = [];
const params = { steps: 3, seed: 5, scheduler: 'euler-ancestral' as const, textGuidance: 7.5, imageGuidance: 1.5, strength: 1, feather: 2 };

const finish = (job: { id: string }) => finishedProject(jobs, job);

/** A mask PNG over the middle of a w×h picture. */
async function centerMask(w: number, h: number): Promise<string> {
  const png = await sharp({ create: { width: w, height: h, channels: 3, background: '#000' } })
    .composite([{ input: { create: { width: w / 2, height: h / 2, channels: 3, background: '#fff' } }, left: w / 4, top: h / 4 }])
    .png()
    .toBuffer();
  return uploads.put(png);
}

beforeAll(async () => {
  ({ editor, dir } = await fixtureEditor(paths.sd, parseManifest(manifestJson), jobs, (data) => {
    uploads = new Uploads(join(data, 'uploads'));
    return { publishStep: (s) => steps.push(s), uploads };
  }));
});

describe('the turn tree', () => {
  it('sizes pictures for the models: aspect kept, multiples of 64, at most 768', () => {
    expect(workingSize(300, 240)).toEqual({ width: 320, height: 256 });
    expect(workingSize(4000, 3000)).toEqual({ width: 768, height: 576 });
  });

  it('three turns (one masked), undo, a branch, redo, rename, reopen, delete a branch — nothing overwritten', async () => {
    let view = await editor.createProject(join(paths.world, 'red-square-0.png'), 'red square');
    expect(view).toMatchObject({ name: 'red square', width: 320, height: 256, turns: 1, canUndo: false });
    const source = view.cursor;

    view = await finish(editor.runTurn({ projectId: view.id, instruction: 'make it green', params }));
    const green = view.cursor;
    expect(view.tree.find((t) => t.id === green)).toMatchObject({ parentId: source, pipeline: 'instruct', modelId: 'sd15-instruct-pix2pix', provider: 'cpu', params: { seed: 5 } });
    expect(steps.filter((s) => s.projectId === view.id).map((s) => s.step)).toEqual([1, 2, 3]);
    expect(steps[0]!.preview).toMatch(/^data:image\/png;base64,/);

    const mask = await centerMask(320, 256);
    view = await finish(editor.runTurn({ projectId: view.id, instruction: 'blue', maskUploadId: mask, params }));
    const masked = view.tree.find((t) => t.id === view.cursor)!;
    expect(masked).toMatchObject({ parentId: green, pipeline: 'inpaint' });
    expect(masked.mask).toMatch(/-mask\.png$/);
    // Outside the mask, every pixel is the parent's.
    const store = editor.store;
    const parentPx = await decodeRgb(store.filePath(store.turnRow(green))!);
    const childPx = await decodeRgb(store.filePath(store.turnRow(masked.id))!);
    let differ = 0;
    for (let y = 0; y < 256; y++) for (let x = 0; x < 320; x++) {
      const inside = x >= 80 && x < 240 && y >= 64 && y < 192;
      const k = (y * 320 + x) * 3;
      if (!inside && (parentPx.data[k] !== childPx.data[k] || parentPx.data[k + 1] !== childPx.data[k + 1] || parentPx.data[k + 2] !== childPx.data[k + 2])) differ++;
    }
    expect(differ).toBe(0);

    // Undo twice, then edit from the original again: a second branch beside the first.
    view = editor.store.undo(view.id);
    view = editor.store.undo(view.id);
    expect(view.cursor).toBe(source);
    expect(view.canUndo).toBe(false);
    view = await finish(editor.runTurn({ projectId: view.id, instruction: 'make it yellow', params }));
    const yellow = view.cursor;
    expect(view.tree.filter((t) => t.parentId === source).map((t) => t.id)).toEqual([green, yellow]);
    // Redo follows the branch visited last.
    view = editor.store.setCursor(view.id, green);
    view = editor.store.undo(view.id);
    view = editor.store.redo(view.id);
    expect(view.cursor).toBe(green);
    view = editor.store.redo(view.id);
    expect(view.cursor).toBe(masked.id);
    expect(view.canRedo).toBe(false);

    // Re-running a turn with other weights makes a sibling, never an overwrite.
    const before = await readFile(store.filePath(store.turnRow(green))!);
    view = await finish(editor.runTurn({ projectId: view.id, fromTurnId: source, instruction: 'make it green', params: { ...params, textGuidance: 2 } }));
    expect(await readFile(store.filePath(store.turnRow(green))!)).toEqual(before);
    expect(view.tree.filter((t) => t.parentId === source)).toHaveLength(3);

    view = editor.store.rename(yellow, 'yellow idea');
    expect(view.tree.find((t) => t.id === yellow)!.label).toBe('yellow idea');

    // Reopen from disk: the same tree and cursor.
    const reopened = new TurnStore(join(dir, 'edit'));
    expect(reopened.view(view.id)).toEqual(view);
    reopened.close();

    // Deleting a branch takes its descendants; the cursor moves up when it was inside.
    view = editor.store.setCursor(view.id, masked.id);
    view = await editor.store.deleteBranch(green);
    expect(view.tree.map((t) => t.id)).not.toContain(masked.id);
    expect(view.cursor).toBe(source);
    await expect(editor.store.deleteBranch(source)).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    expect(editor.store.list().map((p) => p.name)).toContain('red square');
  });

  it('exports a recipe that replays the whole chain to the same pixels (CPU, fixtures): bit-identical', async () => {
    let view = await editor.createProject(join(paths.world, 'blue-circle-1.png'), 'replay');
    view = await finish(editor.runTurn({ projectId: view.id, instruction: 'make it orange', params: { ...params, scheduler: 'dpmpp-2m' } }));
    view = await finish(editor.runTurn({ projectId: view.id, instruction: 'purple', maskUploadId: await centerMask(320, 256), params }));
    const recipe = await editor.recipe(view.cursor);
    expect(recipe.turns.map((t) => t.pipeline)).toEqual(['instruct', 'inpaint']);
    const replayed = await editor.replay(JSON.parse(JSON.stringify(recipe)));
    expect(replayed.matches).toEqual([true, true]);
    const recorded = await readFile(editor.store.filePath(editor.store.turnRow(view.cursor))!);
    expect(createHash('sha256').update(replayed.png).digest('hex')).toBe(createHash('sha256').update(recorded).digest('hex'));
    await expect(editor.replay({ format: 'something else' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  });

  it('cancelling a turn mid-way keeps the parent current and adds nothing', async () => {
    const view = await editor.createProject(join(paths.world, 'gray-triangle-0.png'), 'cancel');
    const job = editor.runTurn({ projectId: view.id, instruction: 'make it green', params: { ...params, steps: 150 } });
    const seen = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (steps.some((s) => s.jobId === job.id)) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    await seen;
    jobs.cancel(job.id);
    expect((await jobs.settled(job.id)).state).toBe('cancelled');
    const after = editor.store.view(view.id);
    expect(after.turns).toBe(1);
    expect(after.cursor).toBe(view.cursor);
  });

  it('says what is wrong: an empty mask, a missing model, an unreadable picture', async () => {
    const view = await editor.createProject(join(paths.world, 'red-circle-0.png'), 'bad');
    const empty = await uploads.put(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer());
    const done = await jobs.settled(editor.runTurn({ projectId: view.id, instruction: 'blue', maskUploadId: empty, params }).id);
    expect(done.error).toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/mask is empty/) });
    await expect(editor.createProject(Buffer.from('not a picture'), 'x')).rejects.toMatchObject({ code: 'BAD_IMAGE' });
    const bare = new Editor({
      dir: join(dir, 'bare'),
      models: () => new ModelStore({ manifest: parseManifest(manifestJson), modelsDir: join(dir, 'no-models') }),
      pool: new SessionPool({ providers: ['cpu'] }),
      jobs,
      provider: () => 'cpu',
      publishStep: () => {},
    });
    const p = await bare.createProject(join(paths.world, 'red-circle-0.png'), 'no models');
    expect(() => bare.runTurn({ projectId: p.id, instruction: 'blue', params })).toThrowError(expect.objectContaining({ code: 'MODEL_MISSING' }));
    expect(bare.capabilities().pipelines.every((c) => !c.installed && c.reason)).toBe(true);
    expect(bare.capabilities().note).toMatch(/CPU/);
    bare.close();
  });

  it('a project whose source picture cannot be written is not left behind, and a killed creation is cleaned up', async () => {
    const root = await mkdtemp(join(tmpdir(), 'studio-edit-'));
    const store = new Editor({ dir: root, models: () => new ModelStore({ manifest: parseManifest(manifestJson), modelsDir: join(root, 'none') }), pool: new SessionPool({ providers: ['cpu'] }), jobs, provider: () => 'cpu', publishStep: () => {} });
    // The projects folder is blocked by a file: writing the source turn fails (as a full or read-only disk would).
    await writeFile(join(root, 'projects'), 'in the way');
    await expect(store.createProject(join(paths.world, 'red-circle-0.png'), 'blocked')).rejects.toThrow();
    expect(store.store.db.prepare('SELECT count(*) FROM projects').pluck().get()).toBe(0);
    // A creation killed between the project row and its turn: hidden at once, removed at a later start.
    store.store.db.prepare('INSERT INTO projects (name, width, height, created_at, updated_at) VALUES (?, 64, 64, ?, ?)').run('killed', Date.now() - 3600_000, Date.now() - 3600_000);
    expect(store.store.list()).toEqual([]);
    store.close();
    const reopened = new TurnStore(root);
    expect(reopened.db.prepare('SELECT count(*) FROM projects').pluck().get()).toBe(0);
    reopened.close();
  });
});

describe('full-size export', () => {
  /** A 1000×640 picture of noise, so any resampling outside the mask would show. */
  async function noisyPhoto(): Promise<Buffer> {
    const w = 1000;
    const h = 640;
    const raw = Buffer.alloc(w * h * 3);
    let s = 7;
    for (let i = 0; i < raw.length; i++) raw[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
    return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  }

  it('comes back at the original size; outside the mask the original pixels bit for bit; PNG, JPEG, WebP, smaller sizes', async () => {
    const photo = await noisyPhoto();
    let view = await editor.createProject(photo, 'Living room');
    expect(view).toMatchObject({ width: 768, height: 512, originalWidth: 1000, originalHeight: 640 });
    view = await finish(editor.runTurn({ projectId: view.id, instruction: 'make the sofa green', maskUploadId: await centerMask(768, 512), params }));
    const exported = await editor.exportTurn({ turnId: view.cursor, format: 'png' });
    expect(exported).toMatchObject({ width: 1000, height: 640, fileName: 'Living room - make the sofa green.png' });
    const file = join(editor.store.projectDir(view.id), exported.url.split('/').at(-1)!);
    const out = await decodeRgb(file);
    const original = await decodeRgb(photo);
    expect([out.width, out.height]).toEqual([1000, 640]);
    // The mask covers x 192…576, y 128…384 of 768×512 = x 250…750, y 160…480 at full size.
    let outsideDiffer = 0;
    let insideDiffer = 0;
    for (let y = 0; y < 640; y++) {
      for (let x = 0; x < 1000; x++) {
        const k = (y * 1000 + x) * 3;
        const same = out.data[k] === original.data[k] && out.data[k + 1] === original.data[k + 1] && out.data[k + 2] === original.data[k + 2];
        if ((x < 248 || x >= 752 || y < 158 || y >= 482) && !same) outsideDiffer++;
        if (x >= 300 && x < 700 && y >= 200 && y < 440 && !same) insideDiffer++;
      }
    }
    expect(outsideDiffer).toBe(0);
    expect(insideDiffer).toBeGreaterThan(400 * 240 * 0.5);

    const jpeg = await editor.exportTurn({ turnId: view.cursor, format: 'jpeg', quality: 80 });
    const jpegMeta = await sharp(join(editor.store.projectDir(view.id), jpeg.url.split('/').at(-1)!)).metadata();
    expect([jpegMeta.format, jpegMeta.width, jpegMeta.height, jpeg.fileName]).toEqual(['jpeg', 1000, 640, 'Living room - make the sofa green.jpg']);
    const webp = await editor.exportTurn({ turnId: view.cursor, format: 'webp', maxSide: 500 });
    expect(webp).toMatchObject({ width: 500, height: 320 });
    expect((await sharp(join(editor.store.projectDir(view.id), webp.url.split('/').at(-1)!)).metadata()).format).toBe('webp');
    // Only the latest export is kept in the project folder.
    expect((await import('node:fs/promises').then((fs) => fs.readdir(editor.store.projectDir(view.id)))).filter((f) => f.startsWith('export-'))).toHaveLength(1);
  });

  it('a whole-picture edit keeps the original size and changes the picture everywhere', async () => {
    const photo = await noisyPhoto();
    let view = await editor.createProject(photo, 'whole');
    view = await finish(editor.runTurn({ projectId: view.id, instruction: 'make it blue', params }));
    const exported = await editor.exportTurn({ turnId: view.cursor });
    expect(exported).toMatchObject({ width: 1000, height: 640 });
    const out = await decodeRgb(join(editor.store.projectDir(view.id), exported.url.split('/').at(-1)!));
    const original = await decodeRgb(photo);
    const changed = out.data.filter((v, i) => v !== original.data[i]).length;
    expect(changed).toBeGreaterThan(out.data.length * 0.5);
    const source = await editor.exportTurn({ turnId: view.tree[0]!.id });
    expect(source.fileName).toBe('whole - original.png');
  });
});
