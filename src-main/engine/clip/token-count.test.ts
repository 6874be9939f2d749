import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelStatus } from '@contract';
import type { ModelStore } from '../models/model-store';
import { countTokens, TokenCounter } from './token-count';
import { ClipTokenizer } from './tokenizer';

const bundledDir = join(process.cwd(), 'resources', 'clip-tokenizer');
let tokenizer: ClipTokenizer;
beforeAll(async () => {
  tokenizer = await ClipTokenizer.fromDir(bundledDir);
});

describe('countTokens', () => {
  it('counts the text’s tokens without start and end, as A1111’s N/75', () => {
    const r = countTokens(tokenizer, 'a photo of a cat');
    expect(r).toEqual({
      ids: [49406, 320, 1125, 539, 320, 2368, 49407],
      tokens: ['<|startoftext|>', 'a</w>', 'photo</w>', 'of</w>', 'a</w>', 'cat</w>', '<|endoftext|>'],
      count: 5,
      limit: 75,
      dropped: [],
    });
  });

  it('reports what the encoder cuts past 75 text tokens', () => {
    const r = countTokens(tokenizer, 'a red circle '.repeat(30)); // 90 text tokens
    expect(r.count).toBe(90);
    expect(r.ids).toHaveLength(77);
    expect(r.ids.at(-1)).toBe(49407);
    expect(r.tokens).toHaveLength(77);
    expect(r.tokens.at(-1)).toBe('<|endoftext|>');
    expect(r.dropped).toHaveLength(15);
    expect(r.dropped.slice(0, 3)).toEqual(['a</w>', 'red</w>', 'circle</w>']);
    expect(r.ids).toEqual(tokenizer.encode('a red circle '.repeat(30))); // exactly what the encoders are fed
    expect(countTokens(tokenizer, 'word '.repeat(75)).dropped).toEqual([]);
    expect(countTokens(tokenizer, 'word '.repeat(76)).dropped).toEqual(['word</w>']);
  });

  it('counts after CLIP’s cleanup (entities, spacing)', () => {
    expect(countTokens(tokenizer, 'salt   &amp;amp; pepper').count).toBe(3);
  });
});

describe('TokenCounter', () => {
  it('uses an installed model’s own tokenizer (CLIP folder or SD tokenizer/), else the bundled one', async () => {
    const models = await mkdtemp(join(tmpdir(), 'studio-tokens-'));
    await mkdir(join(models, 'sd', 'tokenizer'), { recursive: true });
    await cp(bundledDir, join(models, 'sd', 'tokenizer'), { recursive: true });
    await rm(join(models, 'sd', 'tokenizer', 'tokenizer.json')); // vocab.json + merges only, as Optimum exports ship
    await cp(bundledDir, join(models, 'clip'), { recursive: true });
    const installed = new Set(['clip', 'sd']);
    const store = {
      status: (id: string) => {
        if (!['clip', 'sd', 'absent'].includes(id)) throw Object.assign(new Error(`No model “${id}”`), { code: 'NOT_FOUND' });
        return { id, dir: join(models, id), installed: installed.has(id) } as ModelStatus;
      },
    } as unknown as ModelStore;
    const counter = new TokenCounter(() => store);
    expect(await counter.count('a photo of a cat', 'clip')).toMatchObject({ model: 'clip', tokenizer: 'model', count: 5 });
    expect(await counter.count('a photo of a cat', 'sd')).toMatchObject({ model: 'sd', tokenizer: 'model', count: 5 });
    expect(await counter.count('a photo of a cat', 'absent')).toMatchObject({ model: 'absent', tokenizer: 'bundled', count: 5 });
    await expect(counter.count('x', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
