import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/db';
import { SavedQueries } from './saved-queries';

describe('saved queries', () => {
  it('saves, lists newest first, replaces a name saved again, and deletes', () => {
    const saved = new SavedQueries(openDatabase(':memory:'));
    const first = saved.save('v-neck', { reference: { itemId: 3 }, conditions: ['with a v-neck'], negative: 'floral', weights: { image: 1, text: 2 } });
    expect(first.query).toMatchObject({ reference: { itemId: 3 }, conditions: ['with a v-neck'], negative: 'floral', weights: { image: 1, text: 2, negative: 1 } });
    saved.save('blue', { conditions: ['blue'] });
    expect(saved.list().map((s) => s.name)).toEqual(['blue', 'v-neck']);
    const replaced = saved.save('v-neck', { conditions: ['with a v-neck', 'in red'] });
    expect(replaced.id).toBe(first.id);
    expect(saved.list()).toHaveLength(2);
    expect(saved.list()[0]!.query.conditions).toEqual(['with a v-neck', 'in red']);
    saved.remove(first.id);
    expect(saved.list().map((s) => s.name)).toEqual(['blue']);
    expect(() => saved.remove(first.id)).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('leaves out a row it cannot read instead of failing the list', () => {
    const db = openDatabase(':memory:');
    const saved = new SavedQueries(db);
    saved.save('good', { conditions: ['red'] });
    db.prepare("INSERT INTO saved_queries (name, query, created_at) VALUES ('future', '{\"conditions\": 5}', 0)").run();
    expect(saved.list().map((s) => s.name)).toEqual(['good']);
  });

  it('names the uploads its queries refer to, so the upload sweep keeps them', () => {
    const saved = new SavedQueries(openDatabase(':memory:'));
    const upload = 'ab'.repeat(32);
    saved.save('dropped', { reference: { uploadId: upload }, conditions: ['in blue'] });
    saved.save('library', { reference: { itemId: 7 }, conditions: ['in red'] });
    expect(saved.referencedHashes()).toEqual([upload]);
  });
});
