import { describe, expect, it } from 'vitest';
import { resolveInside } from './static-files';

describe('resolveInside', () => {
  it('maps / to index.html and keeps paths inside the root', () => {
    expect(resolveInside('/srv/app', '/')).toBe('/srv/app/index.html');
    expect(resolveInside('/srv/app', '/assets/a.js')).toBe('/srv/app/assets/a.js');
  });

  it('refuses anything that escapes the root', () => {
    for (const p of ['/../secret', '/assets/../../secret', '/%2e%2e/secret', '/..%2fsecret', '/a%00b', '/%E0%A4%A']) {
      expect(resolveInside('/srv/app', p)).toBeNull();
    }
  });
});
