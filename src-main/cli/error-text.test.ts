import { describe, expect, it } from 'vitest';
import { AppError, errorHelp } from '@contract';
import { errorText } from './error-text';

describe('CLI error text', () => {
  it('keeps "CODE: message" first (what scripts match) and adds the explanation and what to do from the CLI', () => {
    const text = errorText(new AppError('MODEL_MISSING', 'CLIP ViT-B/32 is not installed.'));
    const [first, second] = text.split('\n');
    expect(first).toBe('MODEL_MISSING: CLIP ViT-B/32 is not installed.');
    expect(second).toContain(errorHelp.MODEL_MISSING.title);
    expect(second).toContain('npm run cli -- models');
  });

  it('explains a failed job’s wire error the same way, with no hint when the code has no action', () => {
    expect(errorText({ code: 'BAD_IMAGE', message: 'Photo 3 could not be read.' })).toBe(`BAD_IMAGE: Photo 3 could not be read.\n  ${errorHelp.BAD_IMAGE.title}. ${errorHelp.BAD_IMAGE.explanation}`);
  });

  it('prints the stack of anything else (a bug)', () => {
    const bug = new TypeError('x is undefined');
    expect(errorText(bug)).toBe(bug.stack);
  });
});
