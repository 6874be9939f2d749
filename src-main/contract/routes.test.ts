import { describe, expect, it } from 'vitest';
import { FILE_ROUTES, isFileRoutePath, matchFileRoute, thumbUrl, thumbUrlOf, turnFileUrl, UploadAnswerSchema } from './routes';

describe('routes', () => {
  it('builds file URLs that the hosts match back to the same file', () => {
    expect(thumbUrl('ab/abcdef.webp')).toBe('/thumbs/ab/abcdef.webp');
    expect(matchFileRoute(thumbUrl('ab/abcdef.webp'))).toEqual({ route: 'thumbs', rest: '/ab/abcdef.webp' });
    expect(turnFileUrl(7, 'thumbs/3.webp')).toBe('/turns/7/thumbs/3.webp');
    expect(matchFileRoute(turnFileUrl(7, 'thumbs/3.webp'))).toEqual({ route: 'turns', rest: '/7/thumbs/3.webp' });
    expect(thumbUrlOf({ thumb: 'x.webp' })).toBe('/thumbs/x.webp');
    expect(thumbUrlOf({ thumb: null })).toBeNull();
  });

  it('refuses paths that could leave the folder, when building and when matching', () => {
    for (const bad of ['../secrets', 'a/../../b', '', 'a//b', 'a\\..\\b', 'nul\0.png']) expect(() => thumbUrl(bad), bad).toThrow();
    expect(() => turnFileUrl(1, '../../library.db')).toThrow();
    for (const bad of ['/thumbs/..', '/thumbs/%2e%2e/library.db', '/thumbs/a%2f..%2f..%2fx', '/turns/1/%5c..%5cx', '/thumbs/', '/thumbs/a%00.png', '/thumbs/%E0%A4%A']) {
      expect(matchFileRoute(bad), bad).toBeNull();
      expect(isFileRoutePath(bad), bad).toBe(true);
    }
  });

  it('matches only its own prefixes', () => {
    expect(matchFileRoute('/assets/index.js')).toBeNull();
    expect(isFileRoutePath('/assets/index.js')).toBe(false);
    expect(isFileRoutePath('/thumbsx/a.webp')).toBe(false);
    expect(Object.values(FILE_ROUTES).every((p) => p.startsWith('/') && p.endsWith('/'))).toBe(true);
  });

  it('reads an upload answer: an id, or a contract error value', () => {
    expect(UploadAnswerSchema.parse({ id: 'f'.repeat(64) })).toEqual({ id: 'f'.repeat(64) });
    expect(UploadAnswerSchema.parse({ error: { code: 'INVALID_PARAMS', message: 'The file is larger than 64 MiB.' } })).toMatchObject({ error: { code: 'INVALID_PARAMS' } });
    expect(UploadAnswerSchema.safeParse({ error: 'plain text' }).success).toBe(false);
  });
});
