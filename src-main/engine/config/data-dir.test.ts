import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from './data-dir';

describe('resolveDataDir', () => {
  it('prefers the flag, then STUDIO_DATA_DIR, then the OS default', () => {
    const env = { STUDIO_DATA_DIR: '/env/dir' };
    expect(resolveDataDir({ flag: '/flag/dir', env })).toBe('/flag/dir');
    expect(resolveDataDir({ env })).toBe('/env/dir');
    expect(resolveDataDir({ env: {}, platform: 'linux', home: '/home/ada' })).toBe('/home/ada/.local/share/compose-studio');
  });

  it('makes relative paths absolute', () => {
    expect(resolveDataDir({ flag: 'rel/dir', env: {} })).toMatch(/^\/.*rel\/dir$/);
  });

  it('follows each OS convention', () => {
    expect(defaultDataDir('darwin', {}, '/Users/ada')).toBe('/Users/ada/Library/Application Support/Compose Studio');
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/xdg' }, '/home/ada')).toBe('/xdg/compose-studio');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada')).toContain('Compose Studio');
  });
});
