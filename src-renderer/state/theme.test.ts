import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThemeState } from './theme.svelte';
import { memoryStorage } from './testing/memory-storage';

describe('ThemeState', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('follows the system until a theme is chosen, and keeps the choice for the next session', () => {
    expect(new ThemeState().theme).toBe('system');
    new ThemeState().theme = 'dark';
    expect(localStorage.getItem('studio.theme')).toBe('dark');
    expect(new ThemeState().theme).toBe('dark');
  });

  it('reads an unknown stored value as the system theme', () => {
    localStorage.setItem('studio.theme', 'purple');
    expect(new ThemeState().theme).toBe('system');
  });
});
