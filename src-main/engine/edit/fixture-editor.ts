import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectView } from '@contract';
import type { JobRunner } from '../jobs/runner';
import type { Manifest } from '../models/manifest';
import { ModelStore } from '../models/model-store';
import { SessionPool } from '../models/session-pool';
import { EDIT_MODELS, Editor, type EditorDeps } from './editor';
import type { UnetKind } from './sd-model';

/**
 * An Editor over the generated Stable Diffusion fixtures, the setup the editor's tests share: the fixture folders
 * (`sd`, from models/fixtures) copied under the real model ids into a fresh models folder, a fresh data folder `dir`
 * (projects in `dir/edit`), the CPU on one thread. `extra` adds collaborators made in `dir` (uploads, a step listener).
 */
export async function fixtureEditor(
  sd: Record<UnetKind, string>,
  manifest: Manifest,
  jobs: JobRunner,
  extra: (dir: string) => Partial<EditorDeps> = () => ({}),
): Promise<{ editor: Editor; dir: string }> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'studio-edit-models-'));
  for (const [kind, id] of Object.entries(EDIT_MODELS)) await cp(sd[kind as UnetKind], join(modelsDir, id), { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'studio-edit-'));
  const editor = new Editor({
    dir: join(dir, 'edit'),
    models: () => new ModelStore({ manifest, modelsDir }),
    pool: new SessionPool({ providers: ['cpu'], intraOpThreads: 1 }),
    jobs,
    provider: () => 'cpu',
    publishStep: () => undefined,
    ...extra(dir),
  });
  return { editor, dir };
}

/** The project a finished edit job produced; throws with the job's state and error if it did not finish. */
export async function finishedProject(jobs: JobRunner, job: { id: string }): Promise<ProjectView> {
  const done = await jobs.settled(job.id);
  if (done.state !== 'done') throw new Error(`${done.state}: ${done.error?.message}`);
  return done.result as ProjectView;
}
