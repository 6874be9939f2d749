import { describe, expect, it } from 'vitest';
import { NavigationState } from './navigation.svelte';

const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; alt?: boolean } = {}) => ({
  key: k,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  altKey: !!mods.alt,
});

describe('NavigationState shortcuts', () => {
  it('switches areas with Ctrl or Cmd + 1…5', () => {
    const nav = new NavigationState();
    expect(nav.handleKey(key('5', { ctrl: true }))).toBe(true);
    expect(nav.area).toBe('settings');
    nav.handleKey(key('2', { meta: true }));
    expect(nav.area).toBe('search');
  });

  it('ignores plain digits (typing) and Alt combinations', () => {
    const nav = new NavigationState();
    expect(nav.handleKey(key('3'))).toBe(false);
    expect(nav.handleKey(key('3', { ctrl: true, alt: true }))).toBe(false);
    expect(nav.area).toBe('library');
  });

  it('Tab hides and shows the side panels only when nothing has the focus', () => {
    const nav = new NavigationState();
    expect(nav.handleKey(key('Tab'), false)).toBe(false);
    expect(nav.panelsHidden).toBe(false);
    expect(nav.handleKey(key('Tab'), true)).toBe(true);
    expect(nav.panelsHidden).toBe(true);
    expect(nav.handleKey({ ...key('Tab'), shiftKey: true }, true)).toBe(false);
    nav.handleKey(key('Tab'), true);
    expect(nav.panelsHidden).toBe(false);
  });

  it('toggles the tray with Ctrl+J and closes it with Escape', () => {
    const nav = new NavigationState();
    nav.handleKey(key('j', { ctrl: true }));
    expect(nav.trayOpen).toBe(true);
    expect(nav.handleKey(key('Escape'))).toBe(true);
    expect(nav.trayOpen).toBe(false);
    expect(nav.handleKey(key('Escape'))).toBe(false);
  });
});
