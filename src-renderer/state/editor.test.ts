import { describe, expect, it, vi } from 'vitest';
import type { ProjectView } from '@contract';
import { EditorState } from './editor.svelte';
import { JobsState } from './jobs.svelte';
import { FakeEngine, settle, uploadId } from './testing/fake-engine';
import { job, project, shownError, turn } from './testing/fixtures';
import { memoryStorage } from './testing/memory-storage';

const photo = project(1, [turn(1, null)]);
const canvas = project(2, [turn(10, null)], 10, { kind: 'canvas' });

function engine() {
  return new FakeEngine()
    .handle('edit.projects.list', () => [])
    .handle('edit.capabilities', () => ({ pipelines: [{ pipeline: 'instruct', modelId: 'ip2p', installed: true, reason: null }], provider: 'cpu', note: null }))
    .handle('edit.projects.create', ({ reference }) => ('blank' in reference ? canvas : photo))
    .handle('edit.projects.open', ({ id }) => (id === 2 ? canvas : photo))
    .handle('edit.turns.run', () => job('t1', 'edit.turn'))
    .handle('grounding.turn', () => job('g1', 'edit.turn'));
}

async function opened(fake = engine()) {
  const jobs = new JobsState(fake.client);
  const editor = new EditorState(fake.client, jobs);
  fake.setStatus('open');
  await settle();
  return { fake, jobs, editor };
}

/** The photo project after one more turn, with the cursor on it. */
const afterTurn = (from: ProjectView, id: number, extra = {}): ProjectView => project(from.id, [...from.tree, turn(id, from.cursor, extra)], id, { kind: from.kind });

describe('EditorState', () => {
  it('opens a library photo as a project and lists it first; a photo project edits by default', async () => {
    const { fake, editor } = await opened();
    expect(editor.capabilities?.provider).toBe('cpu');
    await editor.openItem({ id: 42, name: 'red.png' });
    expect(fake.paramsOf('edit.projects.create')).toEqual([{ reference: { itemId: 42 } }]);
    expect(editor.project?.id).toBe(1);
    expect(editor.projects.map((p) => p.id)).toEqual([1]);
    expect(editor.current?.pipeline).toBe('source');
    expect(editor.pipeline).toBe('auto');
  });

  it('runs a masked turn: uploads the mask, sends its id with the words and settings, follows the steps', async () => {
    const { fake, jobs, editor } = await opened();
    await editor.openItem({ id: 42, name: 'red.png' });
    editor.instruction = '  make it green ';
    editor.seedLocked = true;
    editor.params = { ...editor.params, seed: 11, steps: 6 };
    editor.mask = new Blob([new Uint8Array([7, 7])], { type: 'image/png' });
    await editor.run();
    expect([...fake.uploads[0]!]).toEqual([7, 7]);
    expect(fake.paramsOf('edit.turns.run')).toEqual([{ projectId: 1, pipeline: 'auto', instruction: 'make it green', negative: '', maskUploadId: uploadId(1), params: { ...editor.params, seed: 11, steps: 6 }, variations: 1 }]);
    expect(jobs.jobs.map((j) => j.id)).toEqual(['t1']);
    expect(editor.running).toEqual({ jobId: 't1', step: 0, total: 6, preview: null });

    fake.emit('edit.step', { jobId: 't1', projectId: 1, step: 3, total: 6, preview: 'data:image/png;base64,AA==' });
    fake.emit('edit.step', { jobId: 'other', projectId: 1, step: 5, total: 6, preview: 'data:image/png;base64,AA==' });
    await settle();
    expect(editor.running).toMatchObject({ step: 3, preview: 'data:image/png;base64,AA==' });

    // A second Run while one runs sends nothing.
    await editor.run();
    expect(fake.paramsOf('edit.turns.run')).toHaveLength(1);

    fake.emit('job.progress', job('t1', 'edit.turn', 'done', afterTurn(photo, 2, { mask: '/turns/1/2.mask.png' })));
    await settle();
    expect(editor.running).toBeNull();
    expect(editor.current?.id).toBe(2);
    expect(editor.mask).toBeNull();
    expect(editor.path).toEqual(new Set([2, 1]));
  });

  it('draws a new seed for each turn unless the seed is locked', async () => {
    const { fake, editor } = await opened();
    await editor.openItem({ id: 42, name: 'red.png' });
    editor.params = { ...editor.params, seed: 0 };
    editor.instruction = 'blue';
    await editor.run();
    const seed = fake.paramsOf('edit.turns.run')[0]!.params!.seed!;
    expect(editor.params.seed).toBe(seed);
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
  });

  it('sends nothing without an instruction or a project', async () => {
    const { fake, editor } = await opened();
    editor.instruction = 'green';
    await editor.run();
    await editor.openItem({ id: 42, name: 'red.png' });
    editor.instruction = '   ';
    await editor.run();
    expect(fake.paramsOf('edit.turns.run')).toEqual([]);
  });

  it('a new canvas paints from the text first, and never sends a mask for it', async () => {
    const { fake, editor } = await opened();
    await editor.newCanvas();
    expect(fake.paramsOf('edit.projects.create')).toEqual([{ reference: { blank: { width: 512, height: 512 } }, name: 'Canvas' }]);
    expect(editor.pipeline).toBe('text2img');
    editor.instruction = 'a red apple';
    editor.mask = new Blob([new Uint8Array([1])]);
    await editor.run();
    expect(fake.paramsOf('edit.turns.run')[0]).toMatchObject({ projectId: 2, pipeline: 'text2img', maskUploadId: null });
  });

  it('keeps the turn type chosen per project', async () => {
    const { editor } = await opened();
    await editor.openItem({ id: 42, name: 'red.png' });
    editor.pipeline = 'text2img';
    await editor.newCanvas();
    editor.pipeline = 'auto';
    await editor.open(1);
    expect(editor.pipeline).toBe('text2img');
    await editor.open(2);
    expect(editor.pipeline).toBe('auto');
  });

  it('a grounded turn goes through the grounding strip (no neighbours chosen: the engine finds them)', async () => {
    const { fake, editor } = await opened();
    await editor.openItem({ id: 42, name: 'red.png' });
    editor.pipeline = 'grounded-edit';
    editor.instruction = 'in the style of *mug';
    editor.seedLocked = true;
    await editor.run();
    expect(fake.paramsOf('edit.turns.run')).toEqual([]);
    expect(fake.paramsOf('grounding.turn')[0]).toMatchObject({ projectId: 1, mode: 'edit', prompt: 'in the style of *mug', neighbours: 'auto', params: { guidance: 7.5, eta: 0.5 } });
    expect(editor.running?.jobId).toBe('g1');
  });

  it('shows why a turn failed and keeps the mask for another try', async () => {
    const { fake, editor } = await opened();
    await editor.openItem({ id: 42, name: 'red.png' });
    editor.instruction = 'green';
    editor.mask = new Blob([new Uint8Array([1])]);
    await editor.run();
    fake.emit('job.progress', job('t1', 'edit.turn', 'failed', null, { code: 'MODEL_MISSING', message: 'The inpainting model is not installed.' }));
    await settle();
    expect(editor.running).toBeNull();
    expect(shownError(editor.error)).toContain('inpainting model');
    expect(editor.mask).not.toBeNull();
    expect(editor.current?.id).toBe(1);
  });

  it('undo moves the cursor on the engine and drops a mask painted on the other picture', async () => {
    const { fake, editor } = await opened();
    const two = afterTurn(photo, 2);
    fake.handle('edit.projects.open', () => two);
    fake.handle('edit.undo', () => ({ ...two, cursor: 1, canRedo: true }));
    await editor.open(1);
    editor.mask = new Blob([new Uint8Array([1])]);
    await editor.undo();
    expect(fake.paramsOf('edit.undo')).toEqual([{ projectId: 1 }]);
    expect(editor.current?.id).toBe(1);
    expect(editor.project?.canRedo).toBe(true);
    expect(editor.mask).toBeNull();
  });

  it('re-running a masked turn starts from its parent with the same words, settings and mask', async () => {
    const { editor } = await opened();
    const masked = turn(2, 1, { typed: 'blue', negative: 'blurry', mask: '/turns/1/2.mask.png', params: { steps: 6, textGuidance: 7.5, imageGuidance: 1.5, strength: 0.8, seed: 3, scheduler: 'ddim', feather: 4 } });
    editor.reuse(masked);
    expect([editor.instruction, editor.negative]).toEqual(['blue', 'blurry']);
    expect(editor.startMask).toEqual({ at: 1, url: '/turns/1/2.mask.png' });
    expect(editor.params).toMatchObject({ strength: 0.8, scheduler: 'ddim' });
  });

  it('deleting the open project opens the next one; a refused delete keeps it', async () => {
    const { fake, editor } = await opened();
    fake.handle('edit.projects.delete', () => ({ removed: true as const }));
    await editor.newCanvas();
    await editor.openItem({ id: 42, name: 'red.png' });
    await editor.deleteProject();
    expect(fake.paramsOf('edit.projects.delete')).toEqual([{ id: 1 }]);
    expect(editor.project?.id).toBe(2);
    fake.fail('edit.projects.delete', 'CONFLICT', 'A turn is still running in this project.');
    await editor.deleteProject();
    expect(editor.project?.id).toBe(2);
    expect(shownError(editor.error)).toContain('still running');
  });

  it('saves the current turn into a library folder and answers the path it got', async () => {
    const { fake, editor } = await opened();
    fake.handle('edit.saveToLibrary', ({ folder }) => ({ path: `${folder}/project 1 - turn 1.jpg`, width: 64, height: 48, bytes: 900 }));
    expect(await editor.saveToLibrary('/photos', 'jpeg', 90)).toBeUndefined();
    await editor.openItem({ id: 42, name: 'red.png' });
    expect(await editor.saveToLibrary('/photos', 'jpeg', 90)).toBe('/photos/project 1 - turn 1.jpg');
    expect(fake.paramsOf('edit.saveToLibrary')).toEqual([{ turnId: 1, folder: '/photos', format: 'jpeg', quality: 90 }]);
  });

  it('reopens the open project after a reconnect', async () => {
    const { fake, editor } = await opened();
    await editor.openItem({ id: 42, name: 'red.png' });
    fake.handle('edit.projects.list', () => [photo]);
    fake.setStatus('closed');
    fake.setStatus('open');
    await settle();
    expect(fake.paramsOf('edit.projects.open')).toEqual([{ id: 1 }]);
  });

  it('reopens the last project of this browser at start, if it still exists', async () => {
    vi.stubGlobal('localStorage', memoryStorage());
    try {
      const first = await opened();
      await first.editor.newCanvas();
      const fake = engine().handle('edit.projects.list', () => [canvas, photo]);
      const { editor } = await opened(fake);
      expect(fake.paramsOf('edit.projects.open')).toEqual([{ id: 2 }]);
      expect(editor.project?.id).toBe(2);
      const gone = engine().handle('edit.projects.list', () => [photo]);
      await opened(gone);
      expect(gone.paramsOf('edit.projects.open')).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
