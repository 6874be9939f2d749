import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SearchResult } from '@contract';
import { JobsState } from './jobs.svelte';
import { LibraryState } from './library.svelte';
import { FakeEngine, deferred, settle } from './testing/fake-engine';
import { detail, item, job, searchResult, shownError } from './testing/fixtures';
import { memoryStorage } from './testing/memory-storage';

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => item(from + i));

function engine() {
  return new FakeEngine()
    .handle('library.roots.list', () => [{ id: 1, path: '/photos', files: 3, indexed: 3, problem: null }])
    .handle('library.status', () => ({
      roots: 1,
      files: 3,
      indexed: 3,
      pending: 0,
      pendingEmbeddings: 0,
      embedded: 3,
      failed: [],
      unsupported: [],
      model: { id: 'clip', installed: true },
      servingModel: 'clip',
      vectors: { size: 3, check: null },
    }))
    .handle('library.facets', () => ({ cameras: [], formats: ['png'], taken: null, folders: [] }))
    .handle('library.search', () => searchResult(range(1, 3)))
    .handle('library.item', ({ id }) => detail(id));
}

async function opened(fake = engine()) {
  const jobs = new JobsState(fake.client);
  const library = new LibraryState(fake.client, jobs);
  fake.setStatus('open');
  await settle();
  return { fake, jobs, library };
}

describe('LibraryState', () => {
  it('on connecting loads the folders, the status and the first page of the latest photos', async () => {
    const { fake, library } = await opened();
    expect(library.roots.map((r) => r.path)).toEqual(['/photos']);
    expect(library.status?.indexed).toBe(3);
    expect(fake.paramsOf('library.search')).toEqual([{ limit: 120, offset: 0 }]);
    expect(library.items.map((i) => i.id)).toEqual([1, 2, 3]);
    expect(library.exhausted).toBe(true);
  });

  it('sends trimmed words, or a "more like this" item without words, and keeps the ranking mode and note', async () => {
    const { fake, library } = await opened();
    fake.handle('library.search', () => searchResult([item(9)], { mode: 'names', note: 'No CLIP model: names only.', hidden: 4, noGoodMatch: true }));
    await library.search('  red square ');
    expect(fake.paramsOf('library.search').at(-1)).toEqual({ text: 'red square', limit: 120, offset: 0 });
    expect([library.mode, library.note, library.hidden, library.noGoodMatch]).toEqual(['names', 'No CLIP model: names only.', 4, true]);
    await library.moreLike(9);
    expect(fake.paramsOf('library.search').at(-1)).toEqual({ likeId: 9, limit: 120, offset: 0 });
    expect(library.query).toBe('');
  });

  it('drops the results of an older query that arrive after a newer one', async () => {
    const { fake, library } = await opened();
    const slow = deferred<SearchResult>();
    fake.handle('library.search', () => slow.promise);
    const first = library.search('cat');
    await settle();
    fake.handle('library.search', () => searchResult([item(2)]));
    await library.search('dog');
    slow.resolve(searchResult([item(1)]));
    await first;
    expect(library.items.map((i) => i.id)).toEqual([2]);
    expect(library.loading).toBe(false);
  });

  it('pages on: the next page starts after the photos shown and stops when a page comes back short', async () => {
    const { fake, library } = await opened();
    fake.handle('library.search', ({ offset }) => searchResult(offset === 0 ? range(1, 120) : range(121, 5)));
    await library.search('');
    expect(library.exhausted).toBe(false);
    await library.loadMore();
    expect(fake.paramsOf('library.search').at(-1)).toMatchObject({ offset: 120 });
    expect(library.items).toHaveLength(125);
    expect(library.exhausted).toBe(true);
    const calls = fake.calls.length;
    await library.loadMore();
    expect(fake.calls).toHaveLength(calls);
  });

  it('sets and clears filters, and sends none when there are none', async () => {
    const { fake, library } = await opened();
    await library.filter('format', 'png');
    await library.filter('minRating', 3);
    expect(fake.paramsOf('library.search').at(-1)!.filters).toEqual({ format: 'png', minRating: 3 });
    await library.filter('format', '');
    expect(fake.paramsOf('library.search').at(-1)!.filters).toEqual({ minRating: 3 });
    await library.clearFilters();
    expect(fake.paramsOf('library.search').at(-1)).not.toHaveProperty('filters');
  });

  it('picks one photo, toggles with Ctrl, and selects a range from the open photo with Shift', async () => {
    const { fake, library } = await opened();
    fake.handle('library.search', () => searchResult(range(1, 6)));
    await library.search('');
    await library.pick(2, 'one');
    expect(library.selected?.id).toBe(2);
    await library.pick(5, 'range');
    expect(library.selection).toEqual([2, 3, 4, 5]);
    await library.pick(3, 'toggle');
    expect(library.selection).toEqual([2, 4, 5]);
    expect(library.targets).toEqual([2, 4, 5]);
    await library.pick(1, 'one');
    expect(library.selection).toEqual([1]);
    expect(fake.paramsOf('library.item').map((p) => p.id)).toEqual([2, 5, 1]);
  });

  it('rates the picked photos at once, shows the rating in place and refreshes the open photo', async () => {
    const { fake, library } = await opened();
    fake.handle('library.items.update', ({ ids }) => ({ updated: ids.length }));
    await library.pick(1, 'one');
    await library.pick(3, 'toggle');
    fake.handle('library.item', ({ id }) => detail(id, { rating: 4 }));
    await library.update({ rating: 4 });
    expect(fake.paramsOf('library.items.update')).toEqual([{ ids: [1, 3], rating: 4 }]);
    expect(library.items.map((i) => i.rating)).toEqual([4, undefined, 4]);
    expect(library.selected?.rating).toBe(4);
  });

  it('shows a failed search as an error and clears it on the next good answer', async () => {
    const { fake, library } = await opened();
    fake.fail('library.search', 'UNAVAILABLE', 'The engine is not running.');
    await library.search('cat');
    expect(shownError(library.error)).toContain('The engine is not running.');
    expect(library.loading).toBe(false);
    fake.handle('library.search', () => searchResult([item(4)]));
    await library.search('cat');
    expect(library.error).toBeNull();
  });

  it('reloads when a library refresh job finishes, not while it runs', async () => {
    const { fake, jobs, library } = await opened();
    const before = fake.paramsOf('library.search').length;
    fake.emit('job.progress', job('r1', 'library.refresh', 'running'));
    await settle();
    expect(library.indexing).toBe(true);
    expect(fake.paramsOf('library.search')).toHaveLength(before);
    fake.emit('job.progress', job('r1', 'library.refresh', 'done'));
    await settle();
    expect(jobs.active).toEqual([]);
    expect(fake.paramsOf('library.search')).toHaveLength(before + 1);
  });

  it('adds a folder: its scan job goes to the tray, the folder list stays sorted', async () => {
    const { fake, jobs, library } = await opened();
    fake.handle('library.roots.add', ({ path }) => ({ root: { id: 2, path, files: 0, indexed: 0, problem: null }, job: job('scan', 'library.refresh') }));
    expect(await library.addRoot('/albums')).toBe(true);
    expect(library.roots.map((r) => r.path)).toEqual(['/albums', '/photos']);
    expect(jobs.jobs.map((j) => j.id)).toEqual(['scan']);
    fake.fail('library.roots.add', 'NOT_FOUND', 'No such folder: /nope');
    expect(await library.addRoot('/nope')).toBe(false);
    expect(shownError(library.error)).toContain('No such folder: /nope');
    expect(library.roots).toHaveLength(2);
  });

  it('shows near-duplicate groups only from a finished job whose result fits the contract', async () => {
    const { fake, library } = await opened();
    fake.handle('library.nearDuplicates', () => job('near', 'library.near-duplicates'));
    await library.findNearDuplicates();
    expect(library.nearRunning).toBe(true);
    expect(library.nearGroups).toBeNull();
    fake.emit('job.progress', job('near', 'library.near-duplicates', 'done', [[item(1), item(2)]]));
    await settle();
    expect(library.nearRunning).toBe(false);
    expect(library.nearGroups?.map((g) => g.map((i) => i.id))).toEqual([[1, 2]]);
    // A result that does not fit the contract never reaches the state: the typed job schema refuses it.
    expect(() => fake.emit('job.progress', job('near', 'library.near-duplicates', 'done', [['not an item']] as never))).toThrow();
    await settle();
    expect(library.nearGroups?.map((g) => g.map((i) => i.id))).toEqual([[1, 2]]);
  });

  it('a folder dropped in a browser says to type its path; the desktop app adds it by its path', async () => {
    const { fake, library } = await opened();
    fake.handle('library.roots.add', ({ path }) => ({ root: { id: 2, path, files: 0, indexed: 0, problem: null }, job: job('scan', 'library.refresh') }));
    const folder = new File([], 'Holidays');
    try {
      vi.stubGlobal('window', {});
      await library.addDropped(folder);
      expect(shownError(library.error)).toContain('Type its path');
      expect(fake.paramsOf('library.roots.add')).toEqual([]);
      vi.stubGlobal('window', { studioBridge: { pathForFile: () => '/home/me/Holidays' } });
      await library.addDropped(folder);
      expect(fake.paramsOf('library.roots.add')).toEqual([{ path: '/home/me/Holidays' }]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  describe('kept in this browser', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('remembers committed searches newest first, without repeats, at most 12, for the next session', async () => {
      vi.stubGlobal('localStorage', memoryStorage());
      const { library } = await opened();
      for (let i = 0; i < 14; i++) library.remember(`query ${i}`);
      library.remember('  query 5 ');
      library.remember('   ');
      expect(library.history[0]).toBe('query 5');
      expect(library.history).toHaveLength(12);
      expect(new Set(library.history).size).toBe(12);
      const { library: next } = await opened();
      expect(next.history).toEqual(library.history);
    });

    it('keeps the thumbnail size and whether names show, and marks the first search done once', async () => {
      vi.stubGlobal('localStorage', memoryStorage());
      const { library } = await opened();
      expect([library.thumbSize, library.showNames, library.searched]).toEqual([172, false, false]);
      library.thumbSize = 240;
      library.showNames = true;
      await library.search('cat');
      const { library: next } = await opened();
      expect([next.thumbSize, next.showNames, next.searched]).toEqual([240, true, true]);
    });
  });
});
