import { describe, expect, it } from 'vitest';
import type { NeighbourView } from '@contract';
import { GroundingState } from './grounding.svelte';
import { FakeEngine, uploadId } from './testing/fake-engine';
import { job, pngFile, shownError } from './testing/fixtures';

const neighbour = (itemId: number): NeighbourView => ({ source: 'library', name: `photo-${itemId}.png`, itemId, sha256: null, thumb: `/thumbs/${itemId}.jpg` });

function engine() {
  return new FakeEngine()
    .handle('grounding.neighbours', ({ k }) => ({ neighbours: [1, 2, 3, 4, 5, 6, 7, 8].slice(0, k).map(neighbour), note: null }))
    .handle('grounding.turn', () => job('g', 'edit.turn'));
}

describe('GroundingState', () => {
  it('finds k neighbours for the trimmed prompt', async () => {
    const fake = engine();
    const grounding = new GroundingState(fake.client);
    await grounding.find('  a red mug ');
    expect(fake.paramsOf('grounding.neighbours')).toEqual([{ prompt: 'a red mug', k: 3 }]);
    expect(grounding.neighbours.map((n) => n.itemId)).toEqual([1, 2, 3]);
    await grounding.find('   ');
    expect(fake.paramsOf('grounding.neighbours')).toHaveLength(1);
  });

  it('keeps pinned neighbours first and does not find removed ones again for the same prompt', async () => {
    const fake = engine();
    const grounding = new GroundingState(fake.client);
    await grounding.find('mug');
    grounding.togglePin('library:3');
    grounding.remove('library:1');
    await grounding.find('mug');
    // One removed and one pinned: ask for more, so k fresh ones remain after filtering.
    expect(fake.paramsOf('grounding.neighbours').at(-1)).toEqual({ prompt: 'mug', k: 5 });
    expect(grounding.neighbours.map((n) => [n.itemId, n.pinned])).toEqual([
      [3, true],
      [2, false],
      [4, false],
    ]);
    // Another prompt forgets what was removed; the pin stays.
    await grounding.find('bowl');
    expect(grounding.neighbours.map((n) => n.itemId)).toEqual([3, 1, 2]);
  });

  it('a dropped picture is uploaded and pinned first, and the turn sends the strip as its neighbours', async () => {
    const fake = engine();
    const grounding = new GroundingState(fake.client);
    expect(grounding.inputs()).toBe('auto');
    await grounding.find('mug');
    await grounding.drop(pngFile('mine.png'));
    expect(grounding.neighbours[0]).toMatchObject({ key: uploadId(1), pinned: true, source: 'file' });
    grounding.guidance = 5;
    grounding.eta = 0.25;
    await grounding.start({ projectId: 1, mode: 'create', prompt: 'mug', negative: '', steps: 8, seed: 3 });
    const sent = fake.paramsOf('grounding.turn')[0]!;
    expect(sent.neighbours).toEqual([{ uploadId: uploadId(1), name: 'mine.png' }, { itemId: 1 }, { itemId: 2 }, { itemId: 3 }]);
    expect(sent.params).toMatchObject({ steps: 8, seed: 3, guidance: 5, eta: 0.25, k: grounding.k });
  });

  it('says why neighbours could not be found and stops finding', async () => {
    const fake = new FakeEngine().fail('grounding.neighbours', 'MODEL_MISSING', 'Finding neighbours needs a CLIP model.');
    const grounding = new GroundingState(fake.client);
    await grounding.find('mug');
    expect(shownError(grounding.error)).toContain('CLIP model');
    expect(grounding.finding).toBe(false);
  });
});
