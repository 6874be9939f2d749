import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import type { ProjectView } from '@contract';
import manifestJson from '../../../models/manifest.json';
import { fixturePaths } from '../../../models/fixtures';
import { JobRunner } from '../jobs/runner';
import { parseManifest } from '../models/manifest';
import { ModelStore } from '../models/model-store';
import { SessionPool } from '../models/session-pool';
import { EDIT_MODELS, Editor } from './editor';

it('records the execution provider the sessions ran on (after a fallback), not the preferred one', async () => {
  const modelsDir = await mkdtemp(join(tmpdir(), 'studio-edit-provider-models-'));
  await cp(fixturePaths().sd.instruct, join(modelsDir, EDIT_MODELS.instruct), { recursive: true });
  const jobs = new JobRunner();
  // The preferred provider cannot load these models (ONNX Runtime has no such backend): every session falls back to the CPU.
  const pool = new SessionPool({ providers: ['no-such-provider'], intraOpThreads: 1 });
  const editor = new Editor({
    dir: join(await mkdtemp(join(tmpdir(), 'studio-edit-provider-')), 'edit'),
    models: () => new ModelStore({ manifest: parseManifest(manifestJson), modelsDir }),
    pool,
    jobs,
    provider: () => 'no-such-provider',
    publishStep: () => {},
  });
  const picture = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3a6' } }).png().toBuffer();
  const project = await editor.createProject(picture, 'Fallback');
  const params = { steps: 2, seed: 1, scheduler: 'euler-ancestral' as const, textGuidance: 7.5, imageGuidance: 1.5, strength: 1, feather: 0 };
  const done = await jobs.settled(editor.runTurn({ projectId: project.id, instruction: 'make it blue', negative: '', maskUploadId: null, params }).id);
  expect(done.state, done.error?.message).toBe('done');
  const view = done.result as ProjectView;
  expect(pool.fallbacks.length).toBeGreaterThan(0);
  expect(view.tree.find((t) => t.id === view.cursor)).toMatchObject({ pipeline: 'instruct', provider: 'cpu' });
  expect((await editor.recipe(view.cursor)).provider).toBe('cpu');
  editor.close();
}, 120_000);
