import { describe, expect, it } from 'vitest';
import { PickFolderRequestSchema, PickFolderResultSchema, ShowInFolderRequestSchema } from './desktop';

describe('desktop bridge payloads', () => {
  it('show in folder takes a library item id and nothing else (never a path)', () => {
    expect(ShowInFolderRequestSchema.parse({ itemId: 7 })).toEqual({ itemId: 7 });
    for (const bad of [{}, { itemId: 0 }, { itemId: -3 }, { itemId: 1.5 }, { itemId: '7' }, { path: '/etc' }, { itemId: 7, path: '/etc' }, null, '/etc/passwd']) {
      expect(ShowInFolderRequestSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('the folder picker takes an optional short title; answers a folder or null', () => {
    expect(PickFolderRequestSchema.parse({})).toEqual({});
    expect(PickFolderRequestSchema.parse({ title: '  Add a library folder ' })).toEqual({ title: 'Add a library folder' });
    for (const bad of [{ title: '' }, { title: 'x'.repeat(201) }, { title: 'ok', defaultPath: '/' }, { properties: ['openFile'] }]) {
      expect(PickFolderRequestSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(PickFolderResultSchema.parse(null)).toBeNull();
    expect(PickFolderResultSchema.safeParse('').success).toBe(false);
  });
});
