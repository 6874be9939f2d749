import { describe, expect, it } from 'vitest';
import { SavedQuerySchema, type SavedQuery } from '@contract';
import { HISTORY_SIZE, historyLabel, readComposeHistory, rememberComposed } from './compose-history';

/** An in-memory Storage. */
function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

const entry = (conditions: string[], extra: Partial<SavedQuery['query']> = {}, name = 'chair.jpg'): SavedQuery => ({
  id: 0,
  name,
  query: SavedQuerySchema.shape.query.parse({ reference: { itemId: 4 }, conditions, negative: 'blurry', composer: 'combiner', filters: { album: 2 }, weights: { image: 1, text: 1, negative: 0.5 }, ...extra }),
  createdAt: 1,
});

describe('composed search history', () => {
  it('keeps searches newest first and reads them back exactly (reference, texts, negative, weights, composer, album)', () => {
    const storage = memoryStorage();
    let history = rememberComposed([], entry(['in red']), storage);
    history = rememberComposed(history, entry(['in blue', 'on grass']), storage);
    const read = readComposeHistory(storage);
    expect(read).toEqual(history);
    expect(read.map((h) => h.query.conditions)).toEqual([['in blue', 'on grass'], ['in red']]);
    expect(read[1]).toEqual(entry(['in red']));
    expect(read[1]!.query).toMatchObject({ reference: { itemId: 4 }, negative: 'blurry', composer: 'combiner', filters: { album: 2 }, weights: { negative: 0.5 } });
  });

  it('a weight change replaces the newest entry; the same search again moves to the front instead of repeating', () => {
    const storage = memoryStorage();
    let history = rememberComposed([], entry(['in red']), storage);
    history = rememberComposed(history, entry(['in blue']), storage);
    history = rememberComposed(history, entry(['in blue'], { weights: { image: 1, text: 2, negative: 0.5 } }), storage);
    expect(history).toHaveLength(2);
    expect(history[0]!.query.weights?.text).toBe(2);
    history = rememberComposed(history, entry(['in red']), storage);
    expect(history.map((h) => h.query.conditions[0])).toEqual(['in red', 'in blue']);
    // Another composer or album is another search.
    history = rememberComposed(history, entry(['in red'], { composer: 'sum' }), storage);
    expect(history).toHaveLength(3);
  });

  it(`keeps only the last ${HISTORY_SIZE}, and ignores what it cannot read`, () => {
    const storage = memoryStorage();
    let history: SavedQuery[] = [];
    for (let i = 0; i < HISTORY_SIZE + 5; i++) history = rememberComposed(history, entry([`text ${i}`]), storage);
    expect(readComposeHistory(storage)).toHaveLength(HISTORY_SIZE);
    expect(readComposeHistory(storage)[0]!.query.conditions).toEqual([`text ${HISTORY_SIZE + 4}`]);
    storage.setItem('studio.search.history', '{not json');
    expect(readComposeHistory(storage)).toEqual([]);
    storage.setItem('studio.search.history', JSON.stringify([{ id: 'x' }]));
    expect(readComposeHistory(storage)).toEqual([]);
  });

  it('labels an entry by its reference, texts, negative and composer', () => {
    expect(historyLabel(entry(['in red', 'on grass']))).toBe('chair.jpg + in red + on grass − blurry · combiner');
    expect(historyLabel({ ...entry(['in red'], { reference: null, negative: '' }), name: 'Search' })).toBe('in red · combiner');
  });
});
