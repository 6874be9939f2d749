import { describe, expect, it } from 'vitest';
import { ConceptPreviewsState } from './concept-previews.svelte';
import { JobsState } from './jobs.svelte';
import { FakeEngine, settle } from './testing/fake-engine';
import { job, shownError } from './testing/fixtures';

function setup() {
  const fake = new FakeEngine().handle('concepts.previews', ({ name }) => ({ ...job(`p-${name}`, 'concepts.previews'), progress: { done: 0, total: 3, unit: 'pictures', rate: null, etaSeconds: null } }));
  const jobs = new JobsState(fake.client);
  return { fake, jobs, previews: new ConceptPreviewsState(fake.client, jobs) };
}

describe('ConceptPreviewsState', () => {
  it('asks once per concept while previews are made, follows their progress and shows them when done', async () => {
    const { fake, previews } = setup();
    await previews.show('mug', 4);
    await previews.show('mug');
    expect(fake.paramsOf('concepts.previews')).toEqual([{ name: 'mug', seed: 4 }]);
    expect(previews.runs.mug).toMatchObject({ jobId: 'p-mug', done: 0, total: 3 });
    fake.emit('job.progress', { ...job('p-mug', 'concepts.previews'), progress: { done: 2, total: 3, unit: 'pictures', rate: null, etaSeconds: null } });
    await settle();
    expect(previews.runs.mug!.done).toBe(2);
    const images = [4, 5, 6].map((seed) => ({ seed, image: `/turns/previews/${seed}.png` }));
    fake.emit('job.progress', job('p-mug', 'concepts.previews', 'done', { name: 'mug', previews: images }));
    await settle();
    expect(previews.runs.mug).toMatchObject({ jobId: null, done: 3, images, error: null });
    // Finished: asking again makes new previews.
    await previews.show('mug', 7);
    expect(fake.paramsOf('concepts.previews')).toHaveLength(2);
  });

  it('keeps the last previews and says why when a run fails or cannot start', async () => {
    const { fake, previews } = setup();
    await previews.show('mug');
    fake.emit('job.progress', job('p-mug', 'concepts.previews', 'failed', null, { code: 'MODEL_MISSING', message: 'Previews need the text-to-image model.' }));
    await settle();
    expect(shownError(previews.runs.mug!.error)).toContain('text-to-image');
    fake.fail('concepts.previews', 'NOT_FOUND', 'No concept *cup.');
    await previews.show('cup');
    expect(previews.runs.cup).toMatchObject({ jobId: null, images: [] });
    expect(shownError(previews.runs.cup!.error)).toContain('No concept *cup.');
  });
});
