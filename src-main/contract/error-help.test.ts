import { describe, expect, it } from 'vitest';
import { ERROR_CODES, AppError, type ErrorCode } from './errors';
import { errorHelp, explainError, HELP_PLACES, type ErrorHelp } from './error-help';

describe('error help', () => {
  it('explains every error code with a title and a sentence, and every action opens a known place', () => {
    for (const code of ERROR_CODES) {
      const help = errorHelp[code];
      expect(help.title.length, code).toBeGreaterThan(3);
      expect(help.explanation, code).toMatch(/\.$/);
      if (help.action) expect(HELP_PLACES).toContain(help.action.place);
    }
  });

  it('sends a missing model to Settings → Models and a full disk to the data folder', () => {
    expect(errorHelp.MODEL_MISSING.action).toEqual({ label: 'Install a model', place: 'settings.models' });
    expect(errorHelp.INSUFFICIENT_SPACE.action?.place).toBe('settings.data');
    expect(errorHelp.IO_ERROR.action?.place).toBe('settings.data');
  });

  it('explains an AppError by its code with its message as the detail', () => {
    const problem = explainError(new AppError('BAD_IMAGE', 'holiday.jpg is not an image the studio can read.'));
    expect(problem).toMatchObject({ code: 'BAD_IMAGE', title: errorHelp.BAD_IMAGE.title, detail: 'holiday.jpg is not an image the studio can read.' });
    expect(problem.action).toBeUndefined();
  });

  it('explains a failed job’s wire error, and anything else as INTERNAL', () => {
    expect(explainError({ code: 'MODEL_MISSING', message: 'CLIP ViT-B/32 is not installed.' })).toMatchObject({ code: 'MODEL_MISSING', action: { place: 'settings.models' } });
    expect(explainError(new TypeError('x is undefined'))).toMatchObject({ code: 'INTERNAL', detail: 'x is undefined' });
    expect(explainError({ code: 'ENOENT', message: 'no such file' })).toMatchObject({ code: 'INTERNAL', detail: 'no such file' });
    expect(explainError('offline')).toMatchObject({ code: 'INTERNAL', detail: 'offline' });
  });
});

// Compile-time check (tsc reads this file): a table over error codes that misses one does not compile.
export function typeChecks(): void {
  // @ts-expect-error a code without an explanation
  const partial: Record<ErrorCode, ErrorHelp> = { INTERNAL: errorHelp.INTERNAL };
  void partial;
}
