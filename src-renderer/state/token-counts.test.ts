import { describe, expect, it } from 'vitest';
import { TokenCounts } from './token-counts';
import { FakeEngine } from './testing/fake-engine';

describe('TokenCounts', () => {
  const count = (text: string, model: string) => ({ model, tokenizer: 'bundled' as const, ids: [1, 2], tokens: [text], count: text.split(' ').length, limit: 75, dropped: [] });

  it('asks once per model and text, and asks again after a failure', async () => {
    const fake = new FakeEngine().fail('text.tokens', 'UNAVAILABLE', 'busy');
    const counts = new TokenCounts(fake.client);
    await expect(counts.count('a red mug')).rejects.toThrow('busy');
    fake.handle('text.tokens', ({ text, model }) => count(text, model ?? 'clip'));
    expect((await counts.count('a red mug')).count).toBe(3);
    await counts.count('a red mug');
    await counts.count('a red mug', 'sd-text');
    expect(fake.paramsOf('text.tokens')).toEqual([{ text: 'a red mug' }, { text: 'a red mug' }, { text: 'a red mug', model: 'sd-text' }]);
  });
});
