import type { TokenCount } from '@contract';
import type { StudioClient } from '../api/client';

/** The Svelte context key under which App provides the token counter to text fields. */
export const TOKEN_COUNTS = Symbol('token-counts');

/** Token counts for text fields (text.tokens), remembered per model and text so retyping costs nothing. */
export class TokenCounts {
  private readonly cache = new Map<string, Promise<TokenCount>>();

  constructor(private readonly client: StudioClient) {}

  count(text: string, model?: string): Promise<TokenCount> {
    const key = `${model ?? ''}\u0000${text}`;
    let pending = this.cache.get(key);
    if (!pending) {
      if (this.cache.size > 500) this.cache.clear();
      pending = this.client.call('text.tokens', model ? { text, model } : { text });
      pending.catch(() => this.cache.delete(key));
      this.cache.set(key, pending);
    }
    return pending;
  }
}
