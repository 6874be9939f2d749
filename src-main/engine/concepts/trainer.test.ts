import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import type { SceneLabel } from '../../../models/scene-world/generate-world';
import { ClipModel } from '../clip/clip-model';
import { SessionPool } from '../models/session-pool';
import { buildAttributeSpace, embeddingOf, nearestWords, readAttributeWords, type AttributeSpace } from './attribute-space';
import { encodeWithTokens, expandMentions } from './concept-text';
import { teach } from './trainer';

const paths = fixturePaths();
let clip: ClipModel;
let space: AttributeSpace;
let world: { label: SceneLabel; v: Float32Array }[];
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

beforeAll(async () => {
  clip = await ClipModel.load(paths.sceneClip, new SessionPool({ providers: ['cpu'], intraOpThreads: 1 }));
  const encoder = await clip.tokenEmbeddingEncoder();
  const words = await readAttributeWords(join(process.cwd(), 'resources', 'attributes', 'attribute-words.tsv'));
  space = buildAttributeSpace(encoder.table, encoder.dim, clip.tokenizer, words, 8);
  const labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8')) as SceneLabel[];
  const vectors = await clip.encodeImages(labels.map((l) => join(paths.world, l.file)));
  world = labels.map((label, i) => ({ label, v: (vectors[i] as { embedding: Float32Array }).embedding }));
});

describe('the attribute subspace', () => {
  it('holds the attribute words that are single tokens, and its mean is their average', () => {
    expect(space.words).toContain('yellow');
    expect(space.words.length).toBeGreaterThan(100);
    expect(space.basis).toHaveLength(8);
    const e = embeddingOf(space, new Array(8).fill(0));
    expect([...e]).toEqual([...Float32Array.from(space.mean)]);
    // An attribute word's own row is its nearest word.
    expect(nearestWords(space, space.rows[space.words.indexOf('green')]!, 1)[0]!.word).toBe('green');
  });
});

describe('teaching a concept without gradients', () => {
  it('learns “yellow circle” from 2 photos against other circles: it ranks yellow circles first and explains itself as yellow', async () => {
    const positives = world.filter((w) => w.label.color === 'yellow' && w.label.shape === 'circle').map((w) => w.v);
    const negatives = world.filter((w) => w.label.shape === 'circle' && w.label.color !== 'yellow').map((w) => w.v);
    const generations: number[] = [];
    const result = await teach({ clip, space, parent: 'circle', positives, negatives, seed: 1, maxGenerations: 60, onGeneration: (s) => void generations.push(s.generation) });
    expect(result.stats.accuracy).toBe(1);
    expect(result.curve.at(-1)!).toBeLessThan(result.curve[0]!);
    expect(generations[0]).toBe(1);
    expect(nearestWords(space, result.embedding, 3).map((w) => w.word)).toContain('yellow');
    // The learned token in a new sentence: "a photo of *sunny" finds yellow circles first among all 66 scenes.
    const { text, concepts } = expandMentions('a photo of *sunny', () => ({ name: 'sunny', parent: 'circle', embedding: result.embedding }));
    const [q] = await encodeWithTokens(await clip.tokenEmbeddingEncoder(), clip.tokenizer, [{ text, tokens: concepts.map((c) => c.embedding) }]);
    const ranked = [...world].sort((a, b) => dot(b.v, q!) - dot(a.v, q!));
    expect(ranked.slice(0, 2).map((w) => `${w.label.color} ${w.label.shape}`)).toEqual(['yellow circle', 'yellow circle']);
  });

  it('is deterministic for a seed and cancels between generations', async () => {
    const positives = world.filter((w) => w.label.color === 'pink').map((w) => w.v);
    const negatives = world.filter((w) => w.label.color !== 'pink').slice(0, 10).map((w) => w.v);
    const a = await teach({ clip, space, parent: 'square', positives, negatives, seed: 4, maxGenerations: 5 });
    const b = await teach({ clip, space, parent: 'square', positives, negatives, seed: 4, maxGenerations: 5 });
    expect(a.z).toEqual(b.z);
    const controller = new AbortController();
    await expect(
      teach({ clip, space, parent: 'square', positives, negatives, seed: 4, signal: controller.signal, onGeneration: (s) => (s.generation === 2 ? controller.abort() : undefined) }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
