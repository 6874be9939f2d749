import { describe, expect, it } from 'vitest';
import type { Concept } from '@contract';
import type { StudioClient } from '../api/client';
import { ConceptsState } from './concepts.svelte';
import { JobsState } from './jobs.svelte';

const concept = { id: 7, name: 'teal-chair' } as Concept;

/** A client that records concepts.addPhotos calls and answers with a queued retraining job. */
function fakeClient() {
  const added: unknown[] = [];
  const client = {
    call: async (method: string, params: unknown) => {
      if (method === 'concepts.list') return [concept];
      if (method !== 'concepts.addPhotos') throw new Error(`unexpected ${method}`);
      added.push(params);
      return {
        id: 'job-1',
        kind: 'concepts.teach',
        label: 'Retraining *teal-chair',
        state: 'queued',
        cancelRequested: false,
        pausable: false,
        createdAt: 1,
        startedAt: null,
        finishedAt: null,
        error: null,
        progress: { done: 0, total: 1, unit: 'generations' },
        result: null,
      };
    },
    on: () => () => {},
    onStatus: () => () => {},
  } as unknown as StudioClient;
  return { client, added };
}

describe('adding Library photos to a concept', () => {
  it('retrains the concept with the selected library items and shows the retraining', async () => {
    const { client, added } = fakeClient();
    const jobs = new JobsState();
    const state = new ConceptsState(client, jobs);
    expect(await state.addLibraryItems(concept, [3, 5])).toBe(true);
    expect(added).toEqual([{ id: 7, photos: [{ itemId: 3 }, { itemId: 5 }] }]);
    expect(state.teaching).toMatchObject({ jobId: 'job-1', retraining: 'teal-chair' });
    expect(jobs.jobs.map((j) => j.id)).toEqual(['job-1']);
    expect(state.error).toBeNull();
  });

  it('refuses more than 5 photos, none, or a second training while one runs — and says why', async () => {
    const { client, added } = fakeClient();
    const state = new ConceptsState(client, new JobsState());
    expect(await state.addLibraryItems(concept, [1, 2, 3, 4, 5, 6])).toBe(false);
    expect(state.error?.detail).toContain('1 to 5 photos');
    expect(await state.addLibraryItems(concept, [])).toBe(false);
    expect(added).toEqual([]);

    expect(await state.addLibraryItems(concept, [1])).toBe(true);
    expect(await state.addLibraryItems(concept, [2])).toBe(false);
    expect(state.error?.detail).toContain('being taught');
    expect(added).toHaveLength(1);
  });
});
