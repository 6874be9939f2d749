import { AppError } from '@contract';
import { callDirect } from '../host/dispatcher';
import { type Command, print, str } from './shared';

/** tokens "TEXT" [--model ID]: how a text tokenizes for a text encoder, counted as A1111 does (N/75). */
export const textCommands: Record<string, Command> = {
  tokens: async (dispatch, _engine, opts) => {
    const text = opts.args.join(' ');
    if (!text) throw new AppError('INVALID_PARAMS', 'Usage: tokens "TEXT" [--model ID] [--json]');
    const model = str(opts.values, 'model');
    const result = await callDirect(dispatch, 'text.tokens', { text, ...(model ? { model } : {}) });
    const lines = [
      `${result.count}/${result.limit} tokens (${result.model}, ${result.tokenizer === 'model' ? 'its tokenizer' : 'bundled CLIP tokenizer'})`,
      `ids:    ${result.ids.join(' ')}`,
      `tokens: ${result.tokens.join(' ')}`,
    ];
    if (result.dropped.length) lines.push(`Warning: ${result.dropped.length} tokens past the limit are cut: ${result.dropped.join(' ')}`);
    print(opts, result, lines.join('\n'));
  },
};
