import { describe, expect, it } from 'vitest';
import { retrieveNeighbours, type NeighbourDeps } from './neighbours';

const items: Record<number, { path: string; name: string; hash: string }> = {
  1: { path: '/lib/red-mug.png', name: 'red-mug.png', hash: 'h1' },
  2: { path: '/lib/beach.png', name: 'beach.png', hash: 'h2' },
  3: { path: '/lib/mug-on-beach.png', name: 'mug-on-beach.png', hash: 'h3' },
  4: { path: '/lib/other.png', name: 'other.png', hash: 'h4' },
  5: { path: '/lib/copy-of-mine.png', name: 'copy-of-mine.png', hash: 'c1' },
};

const deps = (over: Partial<NeighbourDeps> = {}): NeighbourDeps => ({
  conceptPhotos: (name) => (name === 'mymug' ? [{ path: '/c/1.png', sha256: 'c1' }, { path: '/c/2.png', sha256: 'c2' }] : null),
  clipRanking: async () => [2, 4, 3, 1],
  nameRanking: () => [3, 1],
  item: (id) => items[id]!,
  describe: (text) => text.replace('*mymug', 'mug'),
  ...over,
});

describe('neighbour retrieval', () => {
  it('fuses CLIP and name rankings: an item both find comes first', async () => {
    const { neighbours, note } = await retrieveNeighbours(deps(), 'a mug on a beach', 3);
    // 3: 1/63 + 1/61; 1: 1/64 + 1/62; 2: 1/61 alone.
    expect(neighbours.map((n) => n.itemId)).toEqual([3, 1, 2]);
    expect(neighbours[0]).toMatchObject({ source: 'library', path: '/lib/mug-on-beach.png', sha256: 'h3' });
    expect(note).toBeNull();
  });

  it('a concept in the prompt brings its own photos first', async () => {
    const { neighbours } = await retrieveNeighbours(deps(), '*mymug on a beach', 3);
    expect(neighbours.map((n) => n.source)).toEqual(['concept', 'concept', 'library']);
    expect(neighbours.slice(0, 2).map((n) => n.path)).toEqual(['/c/1.png', '/c/2.png']);
    expect(neighbours[0]!.concept).toBe('mymug');
  });

  it('skips a library copy of a concept photo (same content), and stops at k', async () => {
    const { neighbours } = await retrieveNeighbours(deps({ clipRanking: async () => [5, 2], nameRanking: () => [] }), '*mymug', 4);
    expect(neighbours.map((n) => n.sha256)).toEqual(['c1', 'c2', 'h2']);
    expect((await retrieveNeighbours(deps(), '*mymug', 1)).neighbours).toHaveLength(1);
  });

  it('without CLIP, names alone rank, and says so', async () => {
    const { neighbours, note } = await retrieveNeighbours(deps({ clipRanking: async () => null }), 'mug', 3);
    expect(neighbours.map((n) => n.itemId)).toEqual([3, 1]);
    expect(note).toMatch(/names/);
  });
});
