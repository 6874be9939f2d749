import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, type TokenCount } from '@contract';
import { loadSdTokenizer } from './sd-tokenizer';
import { AsyncCache } from '../shared/async-cache';
import { resourceDir } from '../shared/resources';
import type { ModelStore } from '../models/model-store';
import { ClipTokenizer } from './tokenizer';

/**
 * Counts a text's tokens as a CLIP text encoder reads them. Like A1111's "N/75", the count leaves out the start and end
 * tokens: the encoder reads 77 ids, so 75 are left for the text and anything past them is cut silently.
 */
export function countTokens(tokenizer: ClipTokenizer, text: string): Omit<TokenCount, 'model' | 'tokenizer'> {
  const full = tokenizer.encodeFull(text);
  const context = tokenizer.contextLength;
  const limit = context - 2;
  const textTokens = full.tokens.slice(1, -1);
  const keep = (list: readonly (number | string)[], end: number | string) => (list.length <= context ? [...list] : [...list.slice(0, context - 1), end]);
  return {
    ids: keep(full.ids, tokenizer.eosId) as number[],
    tokens: keep(full.tokens, full.tokens.at(-1)!) as string[],
    count: textTokens.length,
    limit,
    dropped: textTokens.slice(limit),
  };
}

/** Tokenizers by model: the model's own files when installed (CLIP folder or SD's tokenizer/), else the bundled CLIP tokenizer. */
export class TokenCounter {
  private readonly cache = new AsyncCache<string, ClipTokenizer>();

  constructor(private readonly models: () => ModelStore) {}

  async count(text: string, modelId: string): Promise<TokenCount> {
    const status = this.models().status(modelId);
    const own = status.installed && (existsSync(join(status.dir, 'tokenizer.json')) || existsSync(join(status.dir, 'tokenizer')));
    const tokenizer = await this.load(own ? status.dir : null);
    return { model: modelId, tokenizer: own ? 'model' : 'bundled', ...countTokens(tokenizer, text) };
  }

  private load(dir: string | null): Promise<ClipTokenizer> {
    return this.cache.get(dir ?? '<bundled>', () => (dir === null ? this.bundled() : existsSync(join(dir, 'tokenizer.json')) ? ClipTokenizer.fromDir(dir) : loadSdTokenizer(dir)));
  }

  private bundled(): Promise<ClipTokenizer> {
    const dir = resourceDir('clip-tokenizer');
    if (!dir) throw new AppError('INTERNAL', 'The bundled CLIP tokenizer (resources/clip-tokenizer) is missing from this installation.');
    return ClipTokenizer.fromDir(dir);
  }
}
