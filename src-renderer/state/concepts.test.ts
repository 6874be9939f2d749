import { describe, expect, it } from 'vitest';
import type { Concept } from '@contract';
import { conceptSuggestions, ConceptsState } from './concepts.svelte';
import { JobsState } from './jobs.svelte';
import { FakeEngine, settle, uploadId } from './testing/fake-engine';
import { concept, item, job, pngFile, shownError } from './testing/fixtures';

function engine(list: Concept[] = [concept(1, 'mug')]) {
  return new FakeEngine()
    .handle('concepts.list', () => list)
    .handle('concepts.teach', () => job('teach', 'concepts.teach'))
    .handle('concepts.addPhotos', () => job('retrain', 'concepts.teach'));
}

async function opened(fake = engine()) {
  const jobs = new JobsState(fake.client);
  const concepts = new ConceptsState(fake.client, jobs);
  fake.setStatus('open');
  await settle();
  return { fake, jobs, concepts };
}

describe('ConceptsState', () => {
  it('says what Teach still needs, in order', async () => {
    const { concepts } = await opened();
    expect(concepts.blocker).toBe('Add 3 more photos (3–5).');
    concepts.addItems([item(1), item(2)]);
    expect(concepts.blocker).toBe('Add 1 more photo (3–5).');
    concepts.addItems([item(2), item(3)]);
    expect(concepts.photos).toHaveLength(3);
    expect(concepts.blocker).toContain('parent word');
    concepts.parent = 'mug';
    concepts.name = 'two words';
    expect(concepts.blocker).toContain('one-word name');
    concepts.name = 'Mug';
    expect(concepts.blocker).toBe('*mug exists already.');
    concepts.name = 'bowl';
    expect(concepts.blocker).toBeNull();
    concepts.addItems([item(4), item(5), item(6)]);
    expect(concepts.blocker).toBe('Use at most 5 photos (6 added).');
  });

  it('refuses files that are not pictures by name and keeps the pictures', async () => {
    const { fake, concepts } = await opened();
    await concepts.addFiles([pngFile('a.png'), new File(['hi'], 'notes.txt'), new File([], 'empty.png')]);
    expect(concepts.photos.map((p) => p.name)).toEqual(['a.png']);
    expect(shownError(concepts.error)).toContain('notes.txt');
    expect(shownError(concepts.error)).toContain('empty.png');
    expect(fake.uploads).toEqual([]);
  });

  it('teaches: uploads dropped files, sends library photos by id, follows the progress, clears the form when done', async () => {
    const { fake, jobs, concepts } = await opened();
    await concepts.addFiles([pngFile('a.png', 1)]);
    concepts.addItems([item(7), item(8)]);
    concepts.name = ' bowl ';
    concepts.parent = ' Bowl ';
    await concepts.teach();
    expect(fake.uploads).toHaveLength(1);
    expect(fake.paramsOf('concepts.teach')).toEqual([{ name: 'bowl', parent: 'Bowl', photos: [{ uploadId: uploadId(1) }, { itemId: 7 }, { itemId: 8 }], generateNegatives: false }]);
    expect(jobs.jobs.map((j) => j.id)).toEqual(['teach']);
    expect(concepts.teaching?.jobId).toBe('teach');

    // A second Teach while one runs sends nothing.
    await concepts.teach();
    expect(fake.paramsOf('concepts.teach')).toHaveLength(1);

    fake.emit('concepts.progress', { jobId: 'teach', generation: 2, bestLoss: 0.5, accuracy: 0.75, curve: [0.9, 0.5], matches: [item(8)] });
    fake.emit('concepts.progress', { jobId: 'teach', generation: 3, bestLoss: 0.4, accuracy: 0.8, curve: [0.9, 0.5, 0.4], matches: [] });
    await settle();
    expect(concepts.teaching).toMatchObject({ generation: 3, accuracy: 0.8, curve: [0.9, 0.5, 0.4] });
    // No new matches keeps the last ones shown.
    expect(concepts.teaching?.matches.map((m) => m.id)).toEqual([8]);

    fake.handle('concepts.list', () => [concept(2, 'bowl'), concept(1, 'mug')]);
    fake.emit('job.progress', job('teach', 'concepts.teach', 'done', concept(2, 'bowl')));
    await settle();
    expect(concepts.teaching).toBeNull();
    expect([concepts.photos, concepts.name, concepts.parent]).toEqual([[], '', '']);
    expect(concepts.names).toEqual(['bowl', 'mug']);
  });

  it('keeps the photos and says why when teaching fails', async () => {
    const { fake, concepts } = await opened();
    concepts.addItems([item(1), item(2), item(3)]);
    concepts.name = 'bowl';
    concepts.parent = 'bowl';
    await concepts.teach();
    fake.emit('job.progress', job('teach', 'concepts.teach', 'failed', null, { code: 'MODEL_MISSING', message: 'Teaching needs a CLIP model.' }));
    await settle();
    expect(concepts.teaching).toBeNull();
    expect(shownError(concepts.error)).toContain('CLIP model');
    expect(concepts.photos).toHaveLength(3);
  });

  it('retrains a concept with more photos and reloads the list when it ends', async () => {
    const { fake, concepts } = await opened();
    await concepts.addPhotos(concept(1, 'mug'), [pngFile('b.png', 2)]);
    expect(fake.paramsOf('concepts.addPhotos')).toEqual([{ id: 1, photos: [{ uploadId: uploadId(1) }] }]);
    expect(concepts.teaching).toMatchObject({ jobId: 'retrain', retraining: 'mug' });
    const loads = fake.paramsOf('concepts.list').length;
    fake.emit('job.progress', job('retrain', 'concepts.teach', 'done', concept(1, 'mug')));
    await settle();
    expect(concepts.teaching).toBeNull();
    expect(fake.paramsOf('concepts.list')).toHaveLength(loads + 1);
  });

  it('does not send a file that is not JSON as a concept to import', async () => {
    const { fake, concepts } = await opened();
    await concepts.importFile(new File(['not json'], 'mug.concept.json'));
    expect(shownError(concepts.error)).toContain('mug.concept.json is not a concept file');
    expect(fake.paramsOf('concepts.import')).toEqual([]);
  });

  it('renames through the engine and reloads; a refused name shows why and keeps the list', async () => {
    const { fake, concepts } = await opened();
    fake.handle('concepts.rename', () => concept(1, 'cup'));
    fake.handle('concepts.list', () => [concept(1, 'cup')]);
    await concepts.rename(1, 'cup');
    expect(fake.paramsOf('concepts.rename')).toEqual([{ id: 1, name: 'cup' }]);
    expect(concepts.names).toEqual(['cup']);
    fake.fail('concepts.rename', 'CONFLICT', '*bowl exists already.');
    await concepts.rename(1, 'bowl');
    expect(shownError(concepts.error)).toContain('*bowl exists already.');
    expect(concepts.names).toEqual(['cup']);
  });
});

describe('conceptSuggestions', () => {
  it('completes a *partial at the end of a text with known names', () => {
    expect(conceptSuggestions('a photo of *m', ['mug', 'mat', 'bowl'])).toEqual({ prefix: 'a photo of ', names: ['mug', 'mat'] });
    expect(conceptSuggestions('a photo of *mug', ['mug'])).toBeNull();
    expect(conceptSuggestions('a photo of mug', ['mug'])).toBeNull();
    expect(conceptSuggestions('*', ['a', 'b', 'c', 'd', 'e', 'f', 'g'])!.names).toHaveLength(6);
  });
});
