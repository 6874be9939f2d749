import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from './tokenizer';

// The real CLIP vocabulary (OpenAI ViT-B/32), shipped in resources/ and identical to ../shared/data/clip-tokenizer.
const dir = join(process.cwd(), 'resources', 'clip-tokenizer');
let tokenizer: ClipTokenizer;
beforeAll(async () => {
  tokenizer = await ClipTokenizer.fromDir(dir);
});

describe('ClipTokenizer', () => {
  it('gives the reference ids of the real CLIP vocabulary', () => {
    // Reference ids from OpenAI's CLIP tokenizer (clip.tokenize), see ../shared/data/README.md.
    expect(tokenizer.encode('a photo of a cat')).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
  });

  it('agrees with vocab.json for sentences of whole-word tokens', async () => {
    // vocab.json is the separate word → id table of the same release; whole words map to "word</w>".
    const vocab = JSON.parse(await readFile(join(dir, 'vocab.json'), 'utf8')) as Record<string, number>;
    for (const sentence of ['make the sofa green', 'a red circle on a white background', 'put my mug on the desk']) {
      const expected = [49406, ...sentence.split(' ').map((w) => vocab[`${w}</w>`]!), 49407];
      expect(expected.every((id) => Number.isInteger(id))).toBe(true);
      expect(tokenizer.encode(sentence)).toEqual(expected);
    }
  });

  it('splits words outside the vocabulary into several pieces', () => {
    const ids = tokenizer.encode('triangles');
    expect(ids.length).toBeGreaterThan(3);
    expect(tokenizer.tokens('triangles').slice(1, -1).join('').replace('</w>', '')).toBe('triangles');
  });

  it('lowercases and cleans whitespace like CLIP', () => {
    expect(tokenizer.encode('  A   PHOTO of a CAT ')).toEqual(tokenizer.encode('a photo of a cat'));
  });

  it('truncates to 77 tokens ending with the end token', () => {
    const ids = tokenizer.encode('red '.repeat(200));
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(49406);
    expect(ids[76]).toBe(49407);
  });

  it('pads a batch with the pad token and masks the padding', () => {
    const batch = tokenizer.encodeBatch(['a cat', 'a photo of a cat']);
    expect(batch.length).toBe(7);
    expect(Array.from(batch.ids.slice(0, 7), Number)).toEqual([49406, 320, 2368, 49407, 49407, 49407, 49407]);
    expect(Array.from(batch.mask.slice(0, 7), Number)).toEqual([1, 1, 1, 1, 0, 0, 0]);
    expect(tokenizer.encodeBatch(['a cat'], 77).length).toBe(77);
  });

  it('says clearly when tokenizer files are missing', async () => {
    await expect(ClipTokenizer.fromDir('/nonexistent')).rejects.toMatchObject({ code: 'MODEL_MISSING' });
  });
});
