import { describe, expect, it } from 'vitest';
import { pickFolder, showInFolder } from './desktop-actions';

const item = { id: 4, path: '/photos/shoot/a.jpg' };

describe('show in folder', () => {
  it('the desktop window asks the bridge by item id and copies nothing', async () => {
    const asked: unknown[] = [];
    const copied: string[] = [];
    const note = await showInFolder(item, { bridge: { showInFolder: async (r) => void asked.push(r) }, clipboard: { writeText: async (t) => void copied.push(t) } });
    expect(note).toBe('Shown in folder');
    expect(asked).toEqual([{ itemId: 4 }]);
    expect(copied).toEqual([]);
  });

  it('a browser copies the full path', async () => {
    const copied: string[] = [];
    expect(await showInFolder(item, { bridge: null, clipboard: { writeText: async (t) => void copied.push(t) } })).toBe('Path copied');
    expect(copied).toEqual(['/photos/shoot/a.jpg']);
  });

  it('without a clipboard (or when it refuses) the path is shown to copy by hand', async () => {
    expect(await showInFolder(item, { bridge: null, clipboard: null })).toBe('Copy the path: /photos/shoot/a.jpg');
    const refusing = { writeText: () => Promise.reject(new Error('NotAllowedError')) };
    expect(await showInFolder(item, { bridge: null, clipboard: refusing })).toBe('Copy the path: /photos/shoot/a.jpg');
  });
});

describe('pick a folder', () => {
  it('answers the folder the desktop picker chose, or null when cancelled or in a browser', async () => {
    const titles: unknown[] = [];
    expect(await pickFolder({ pickFolder: async (r) => (titles.push(r), '/photos/new') }, 'Add a library folder')).toBe('/photos/new');
    expect(titles).toEqual([{ title: 'Add a library folder' }]);
    expect(await pickFolder({ pickFolder: async () => null }, 'x')).toBeNull();
    expect(await pickFolder(null, 'x')).toBeNull();
  });
});
