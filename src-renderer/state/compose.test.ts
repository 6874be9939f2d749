import { describe, expect, it, vi } from 'vitest';
import type { ComposedQuery, ComposedResult, SavedQuery } from '@contract';
import { ComposeState } from './compose.svelte';
import { FakeEngine, deferred, settle, uploadId } from './testing/fake-engine';
import { memoryStorage } from './testing/memory-storage';
import { composed, composerInfo, detail, item, settingsView, shownError } from './testing/fixtures';

function engine() {
  const fake = new FakeEngine()
    .handle('search.composers', () => [composerInfo('sum'), composerInfo('gated', { image: 2, text: 1, negative: 1 }, null), composerInfo('compodiff', { image: 1, text: 3, negative: 1 }, 12)])
    .handle('search.saved.list', () => [])
    .handle('settings.get', () => settingsView(true, 'gated'))
    .handle('search.compose', () => composed([item(1), item(2)]));
  return fake;
}

async function opened(fake = engine()) {
  const compose = new ComposeState(fake.client);
  fake.setStatus('open');
  await settle();
  return { fake, compose };
}

describe('ComposeState', () => {
  it('on connecting loads the composers and takes the composer chosen in Settings, with its default weights', async () => {
    const { fake, compose } = await opened();
    expect(compose.composers.map((c) => c.id)).toEqual(['sum', 'gated', 'compodiff']);
    expect(compose.composer).toBe('gated');
    expect(compose.weights).toEqual({ image: 2, text: 1, negative: 1 });
    // Nothing to search for yet: no query is sent.
    expect(fake.paramsOf('search.compose')).toEqual([]);
  });

  it('sends the reference, the texts in order, the trimmed negative and the weights', async () => {
    const { fake, compose } = await opened();
    await compose.useItem({ id: 7, name: 'red.png', thumb: 'r.jpg' });
    await compose.addCondition('  as a circle ');
    await compose.addCondition('in yellow');
    await compose.setNegative(' blue ');
    const sent = fake.paramsOf('search.compose').at(-1)!;
    expect(sent).toMatchObject({ reference: { itemId: 7 }, regionUploadId: null, conditions: ['as a circle', 'in yellow'], negative: 'blue', composer: 'gated', weights: { image: 2, text: 1, negative: 1 }, limit: 120 });
    expect(sent).not.toHaveProperty('gairW');
    expect(compose.items.map((i) => i.id)).toEqual([1, 2]);
    expect(compose.reference).toMatchObject({ kind: 'item', src: '/thumbs/r.jpg' });
  });

  it('coalesces changes made while a query runs into one more run with the latest query', async () => {
    const { fake, compose } = await opened();
    const slow = deferred<ComposedResult>();
    fake.handle('search.compose', () => slow.promise);
    void compose.addCondition('as a circle');
    await settle();
    void compose.setWeight('text', 2);
    void compose.setWeight('text', 4);
    const last = compose.setWeight('text', 6);
    expect(compose.busy).toBe(true);
    fake.handle('search.compose', () => composed([item(9)]));
    slow.resolve(composed([item(1)]));
    await last;
    const runs = fake.paramsOf('search.compose');
    expect(runs).toHaveLength(2);
    expect(runs[1]!.weights!.text).toBe(6);
    expect(compose.items.map((i) => i.id)).toEqual([9]);
    expect(compose.busy).toBe(false);
  });

  it('switching composer takes its defaults, unless the designer moved a weight', async () => {
    const { fake, compose } = await opened();
    await compose.addCondition('x');
    await compose.pickComposer('compodiff');
    expect(compose.weights).toEqual({ image: 1, text: 3, negative: 1 });
    expect(fake.paramsOf('search.compose').at(-1)).toMatchObject({ composer: 'compodiff', steps: 12 });
    await compose.setWeight('image', 5);
    await compose.pickComposer('sum');
    expect(compose.weights).toEqual({ image: 5, text: 3, negative: 1 });
    expect(compose.steps).toBeNull();
    expect(fake.paramsOf('search.compose').at(-1)).not.toHaveProperty('steps');
  });

  it('uploads a painted region and sends its id; clearing it sends null', async () => {
    const { fake, compose } = await opened();
    await compose.useItem({ id: 3, name: 'r', thumb: null });
    await compose.setRegion(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }));
    expect([...fake.uploads[0]!]).toEqual([1, 2, 3]);
    expect(fake.paramsOf('search.compose').at(-1)!.regionUploadId).toBe(uploadId(1));
    await compose.setRegion(null);
    expect(fake.paramsOf('search.compose').at(-1)!.regionUploadId).toBeNull();
    expect(compose.regionUploadId).toBeNull();
  });

  it('a region cleared or replaced while its upload is on the way does not come back when the upload ends', async () => {
    const { fake, compose } = await opened();
    await compose.useItem({ id: 3, name: 'r', thumb: null });
    const slow = deferred<void>();
    fake.beforeUpload = (n) => (n === 1 ? slow.promise : Promise.resolve());
    const first = compose.setRegion(new Blob([new Uint8Array([1])]));
    await compose.setRegion(null);
    slow.resolve();
    await first;
    expect(compose.regionUploadId).toBeNull();
    expect(fake.paramsOf('search.compose').at(-1)!.regionUploadId).toBeNull();

    const slower = deferred<void>();
    fake.beforeUpload = (n) => (n === 2 ? slower.promise : Promise.resolve());
    const older = compose.setRegion(new Blob([new Uint8Array([2])]));
    await compose.setRegion(new Blob([new Uint8Array([3])]));
    slower.resolve();
    await older;
    expect(compose.regionUploadId).toBe(uploadId(3));
    expect(fake.paramsOf('search.compose').at(-1)!.regionUploadId).toBe(uploadId(3));
  });

  it('a region without a reference is not sent, and a new reference drops the old region', async () => {
    const { fake, compose } = await opened();
    await compose.useItem({ id: 3, name: 'r', thumb: null });
    await compose.setRegion(new Blob([new Uint8Array([1])]));
    await compose.useItem({ id: 4, name: 's', thumb: null });
    expect(fake.paramsOf('search.compose').at(-1)).toMatchObject({ reference: { itemId: 4 }, regionUploadId: null });
  });

  it('sends the GAIR weight only when a text names a concept', async () => {
    const { fake, compose } = await opened();
    await compose.addCondition('a photo of *mug');
    expect(compose.hasConcept).toBe(true);
    await compose.setGair(0.4);
    expect(fake.paramsOf('search.compose').at(-1)!.gairW).toBe(0.4);
  });

  it('Auto GAIR asks the engine for w on the text that names a concept, notes how it chose, and searches with it', async () => {
    const { fake, compose } = await opened();
    fake.handle('concepts.gairAuto', () => ({ w: 0.35, scores: [{ w: 0.35, score: 0.8 }], method: 'retrieval', proxy: 'top-10 agreement' }));
    await compose.addCondition('red');
    await compose.autoGair();
    expect(fake.paramsOf('concepts.gairAuto')).toEqual([]);
    await compose.addCondition('a photo of *mug');
    await compose.autoGair();
    expect(fake.paramsOf('concepts.gairAuto')).toEqual([{ text: 'a photo of *mug' }]);
    expect(compose.gairW).toBe(0.35);
    expect(compose.gairNote).toBe('Auto: 0.35 (retrieval: top-10 agreement).');
    expect(fake.paramsOf('search.compose').at(-1)!.gairW).toBe(0.35);
  });

  it('reorders, edits and removes conditions', async () => {
    const { fake, compose } = await opened();
    await compose.addCondition('a');
    await compose.addCondition('b');
    await compose.moveCondition(1, -1);
    expect(compose.conditions).toEqual(['b', 'a']);
    await compose.editCondition(0, '  ');
    expect(compose.conditions).toEqual(['a']);
    const before = fake.paramsOf('search.compose').length;
    await compose.editCondition(0, 'a');
    await compose.moveCondition(0, -1);
    expect(fake.paramsOf('search.compose')).toHaveLength(before);
  });

  it('saves a query and reopens it to the same query (saved-query round trip)', async () => {
    const fake = engine();
    const saved: SavedQuery[] = [];
    fake.handle('search.saved.save', ({ name, query }) => {
      const entry = { id: saved.length + 1, name, query, createdAt: 1 };
      saved.push(entry);
      return entry;
    });
    fake.handle('search.saved.list', () => saved);
    fake.handle('library.item', ({ id }) => detail(id, { name: 'red.png' }));
    const { compose } = await opened(fake);
    await compose.useItem({ id: 7, name: 'red.png', thumb: 'r.jpg' });
    await compose.addCondition('as a circle');
    await compose.setNegative('blue');
    await compose.pickComposer('compodiff');
    await compose.setWeight('image', 3);
    const query: ComposedQuery = compose.query();
    await compose.save('my query');
    expect(compose.saved.map((s) => s.name)).toEqual(['my query']);

    await compose.clear();
    expect(compose.hasQuery).toBe(false);
    expect(compose.items).toEqual([]);
    await compose.open(compose.saved[0]!);
    expect(compose.query()).toEqual(query);
    expect(fake.paramsOf('search.compose').at(-1)).toEqual(query);
    expect(compose.reference).toMatchObject({ kind: 'item', itemId: 7, name: 'red.png' });
  });

  it('shows an engine error and keeps the query; the next good answer clears the error', async () => {
    const { fake, compose } = await opened();
    fake.fail('search.compose', 'MODEL_MISSING', 'No CLIP model is installed.');
    await compose.addCondition('as a circle');
    expect(shownError(compose.error)).toContain('No CLIP model');
    expect(compose.conditions).toEqual(['as a circle']);
    expect(compose.busy).toBe(false);
    fake.handle('search.compose', () => composed([item(5)]));
    await compose.addCondition('in red');
    expect(compose.error).toBeNull();
    expect(compose.items.map((i) => i.id)).toEqual([5]);
  });

  it('refuses a dropped file that is not a picture before uploading anything', async () => {
    const { fake, compose } = await opened();
    await compose.useFile(new File(['hello'], 'notes.txt'));
    expect(shownError(compose.error)).toContain('notes.txt');
    expect(fake.uploads).toEqual([]);
    expect(compose.reference).toBeNull();
  });

  it('a reload of the page reopens the search that was on screen; Start over forgets it', async () => {
    vi.stubGlobal('sessionStorage', memoryStorage());
    try {
      const fake = engine().handle('library.item', ({ id }) => detail(id));
      const { compose } = await opened(fake);
      await compose.useItem({ id: 7, name: 'photo-7.png', thumb: null });
      await compose.addCondition('as a circle');
      const query = compose.query();
      const { compose: reloaded } = await opened(fake);
      expect(reloaded.query()).toEqual(query);
      expect(fake.paramsOf('search.compose').at(-1)).toEqual(query);
      await reloaded.clear();
      const { compose: fresh } = await opened(fake);
      expect(fresh.hasQuery).toBe(false);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
