import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Tokenizers from '@huggingface/tokenizers';
import type { Tokenizer } from '@huggingface/tokenizers';
import { AppError } from '@contract';
import { lazyModule } from '../shared/lazy-module';
import { cleanText } from './text-cleanup';

// Loaded with the first model's tokenizer, not at startup.
const tokenizers = lazyModule<typeof Tokenizers>('@huggingface/tokenizers');

export interface TokenBatch {
  /** Row-major [count, length] int64 ids, padded with the pad token. */
  ids: BigInt64Array;
  /** 1 for real tokens, 0 for padding. */
  mask: BigInt64Array;
  count: number;
  length: number;
}

/** CLIP's BPE tokenizer, loaded from a model folder's tokenizer.json + tokenizer_config.json (Hugging Face layout). */
export class ClipTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly contextLength: number,
    readonly padId: number,
    readonly eosId: number,
  ) {}

  static async fromDir(dir: string): Promise<ClipTokenizer> {
    let json: Record<string, unknown>;
    let config: Record<string, unknown>;
    try {
      json = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8'));
      config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'));
    } catch (error) {
      throw new AppError('MODEL_MISSING', `The tokenizer files in ${dir} are missing or unreadable (tokenizer.json, tokenizer_config.json).`, {
        cause: (error as Error).message,
      });
    }
    const tokenizer = new tokenizers.Tokenizer(json, config);
    const vocab = (json.model as { vocab: Record<string, number> }).vocab;
    const tokenName = (t: unknown) => (typeof t === 'string' ? t : (t as { content?: string } | undefined)?.content);
    const eos = tokenName(config.eos_token) ?? '<|endoftext|>';
    const pad = tokenName(config.pad_token) ?? eos;
    const contextLength = typeof config.model_max_length === 'number' && config.model_max_length < 10_000 ? config.model_max_length : 77;
    const eosId = vocab[eos];
    const padId = vocab[pad] ?? eosId;
    if (eosId === undefined || padId === undefined) throw new AppError('MODEL_MISMATCH', `The tokenizer in ${dir} has no “${eos}” token.`);
    return new ClipTokenizer(tokenizer, contextLength, padId, eosId);
  }

  /**
   * Token ids with start and end tokens, after CLIP's own text cleanup (see text-cleanup.ts); truncated to the context
   * length, always ending with the end token.
   */
  encode(text: string): number[] {
    const ids = this.tokenizer.encode(cleanText(text)).ids;
    return ids.length <= this.contextLength ? ids : [...ids.slice(0, this.contextLength - 1), this.eosId];
  }

  /** Pads a batch to the longest text (or to `padTo`, e.g. 77 for encoders that need the full context). */
  encodeBatch(texts: string[], padTo?: number): TokenBatch {
    const encoded = texts.map((t) => this.encode(t));
    const length = padTo ?? Math.max(1, ...encoded.map((e) => e.length));
    const ids = new BigInt64Array(texts.length * length).fill(BigInt(this.padId));
    const mask = new BigInt64Array(texts.length * length);
    encoded.forEach((row, i) => {
      row.slice(0, length).forEach((id, j) => {
        ids[i * length + j] = BigInt(id);
        mask[i * length + j] = 1n;
      });
    });
    return { ids, mask, count: texts.length, length };
  }

  /** The full encoding, start and end tokens included, not cut to the context: ids with their token strings. */
  encodeFull(text: string): { ids: number[]; tokens: string[] } {
    const { ids, tokens } = this.tokenizer.encode(cleanText(text));
    return { ids: [...ids], tokens: [...tokens] };
  }

  tokens(text: string): string[] {
    return this.tokenizer.encode(cleanText(text)).tokens;
  }
}
