import { describe, expect, it } from 'vitest';
import { TurnParamsSchema, type Job, type ProjectView, type Turn } from '@contract';
import type { StudioClient } from '../api/client';
import { EditorState } from './editor.svelte';
import { JobsState } from './jobs.svelte';

const turn = (id: number, parentId: number | null, seed: number): Turn => ({
  id,
  parentId,
  label: null,
  pipeline: parentId === null ? 'source' : 'instruct',
  instruction: parentId === null ? '' : 'make it green',
  typed: parentId === null ? '' : 'make it green',
  negative: '',
  params: parentId === null ? null : TurnParamsSchema.parse({ seed }),
  modelId: null,
  provider: null,
  image: `/turns/1/${id}.png`,
  thumb: `/turns/1/${id}-thumb.png`,
  mask: null,
  timings: null,
  grounding: null,
  crop: null,
  createdAt: id,
});

function projectView(tree: Turn[], cursor: number, variations?: number[]): ProjectView {
  return { id: 1, name: 'p', width: 64, height: 64, turns: tree.length, thumb: tree[0]!.thumb, updatedAt: 1, kind: 'photo', originalWidth: 64, originalHeight: 64, tree, cursor, canUndo: cursor !== 1, canRedo: false, ...(variations ? { variations } : {}) };
}

/** A client that answers the edit methods like the engine: a run with N variations makes N sibling turns. */
function fakeClient() {
  let tree = [turn(1, null, 0)];
  let cursor = 1;
  const runs: Record<string, unknown>[] = [];
  const listeners: ((job: Job) => void)[] = [];
  let pending: { job: Job; result: ProjectView } | null = null;
  const handlers: Record<string, (p: never) => unknown> = {
    'edit.projects.list': () => [],
    'edit.capabilities': () => ({ pipelines: [], provider: 'cpu', note: null }),
    'edit.turns.run': (p: { variations: number; params: { seed: number } }) => {
      runs.push(p);
      const parent = cursor;
      const ids = Array.from({ length: p.variations }, (_, i) => tree.length + 1 + i);
      tree = [...tree, ...ids.map((id, i) => turn(id, parent, p.params.seed + i))];
      cursor = ids[0]!;
      const job = { id: `j${runs.length}`, kind: 'edit.turn', state: 'running', label: 'Edit', progress: { done: 0, total: 20 * p.variations, unit: 'steps', rate: null, etaSeconds: null }, result: null, error: null, createdAt: 1, startedAt: 1, finishedAt: null } as unknown as Job;
      pending = { job, result: projectView(tree, cursor, p.variations > 1 ? ids : undefined) };
      return job;
    },
    'edit.cursor.set': ({ turnId }: { turnId: number }) => {
      cursor = turnId;
      return projectView(tree, cursor);
    },
  };
  const client = {
    call: async (method: string, params: never) => handlers[method]!(params),
    on: (event: string, fn: (job: Job) => void) => {
      if (event === 'job.progress') listeners.push(fn);
      return () => {};
    },
    onStatus: () => () => {},
  } as unknown as StudioClient;
  /** The running job finishes with the engine's view. */
  const finish = () => {
    const { job, result } = pending!;
    for (const fn of listeners) fn({ ...job, state: 'done', result } as Job);
  };
  return { client, runs, finish, parentOf: (id: number) => tree.find((t) => t.id === id)!.parentId, seedOf: (id: number) => tree.find((t) => t.id === id)!.params?.seed };
}

async function editorWithProject() {
  const fake = fakeClient();
  const editor = new EditorState(fake.client, new JobsState());
  editor.project = projectView([turn(1, null, 0)], 1);
  editor.instruction = 'make it green';
  editor.seedLocked = true;
  editor.params = { ...editor.params, seed: 40 };
  return { editor, ...fake };
}

describe('edit variations in the renderer state', () => {
  it('runs N variations in one job, offers the siblings side by side, and picking one makes it the current turn', async () => {
    const { editor, runs, finish, parentOf, seedOf } = await editorWithProject();
    editor.variations.count = 3;
    await editor.run();
    expect(runs[0]).toMatchObject({ variations: 3, params: { seed: 40 } });
    expect(editor.running?.total).toBe(60);
    finish();
    expect(editor.running).toBeNull();
    expect(editor.variations.shown?.turns).toEqual([2, 3, 4]);
    expect(editor.project?.cursor).toBe(2);

    await editor.pick(1);
    expect(editor.project?.cursor).toBe(3);
    expect(seedOf(3)).toBe(41);
    expect(editor.variations.shown).toBeNull();

    // Continuing runs from the picked turn; one variation offers no choice.
    editor.variations.count = 1;
    await editor.run();
    expect(runs[1]).toMatchObject({ variations: 1 });
    finish();
    expect(parentOf(editor.project!.cursor)).toBe(3);
    expect(editor.variations.shown).toBeNull();
  });

  it('a pick outside the choices does nothing; moving to another turn drops the choices', async () => {
    const { editor, finish } = await editorWithProject();
    editor.variations.count = 2;
    await editor.run();
    finish();
    expect(editor.variations.shown?.turns).toEqual([2, 3]);
    await editor.pick(3);
    expect(editor.project?.cursor).toBe(2);
    expect(editor.variations.shown).not.toBeNull();
    await editor.jump(1);
    expect(editor.variations.shown).toBeNull();
  });
});
