import { describe, expect, it } from 'vitest';
import { historyKey } from './keys';

const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}) => ({
  key: k,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt,
});

describe('historyKey', () => {
  it('reads Ctrl/Cmd+Z as undo and Ctrl/Cmd+Shift+Z or Ctrl+Y as redo', () => {
    expect(historyKey(key('z', { ctrl: true }))).toBe('undo');
    expect(historyKey(key('z', { meta: true }))).toBe('undo');
    expect(historyKey(key('Z', { ctrl: true, shift: true }))).toBe('redo');
    expect(historyKey(key('y', { ctrl: true }))).toBe('redo');
  });

  it('ignores plain letters, Alt combinations and other shortcuts', () => {
    expect(historyKey(key('z'))).toBeNull();
    expect(historyKey(key('z', { ctrl: true, alt: true }))).toBeNull();
    expect(historyKey(key('s', { ctrl: true }))).toBeNull();
    expect(historyKey(key('y', { ctrl: true, shift: true }))).toBeNull();
  });
});
