import type { TokenCount } from '@contract';
import type { TokenCounter } from '../clip/token-count';

/** Token counts for the instruction, search and concept fields (and `npm run cli -- tokens`). */
export class TextService {
  constructor(
    private readonly counter: TokenCounter,
    /** The model counted for when none is named: the library's CLIP model. */
    private readonly defaultModel: () => string,
  ) {}

  tokens(text: string, model?: string): Promise<TokenCount> {
    return this.counter.count(text, model ?? this.defaultModel());
  }
}
