import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import type { Services } from '../app-services';
import { engineWithPhotos } from '../test-engine';

const temp = () => mkdtemp(join(tmpdir(), 'studio-save-'));

async function engineWithPhoto() {
  const { engine, photos, items } = await engineWithPhotos([join(fixturePaths().world, 'red-square-0.png')]);
  const project = await engine.edit.createProject({ itemId: items[0]!.id }, 'Living room');
  return { engine, photos, project };
}

/** Waits for the refresh the save started (and any it queued) to finish. */
async function indexed(engine: Services) {
  for (let i = 0; i < 5; i++) await engine.jobs.settled(engine.library.refresh().id);
  return (await engine.search.search({ limit: 50 })).items;
}

describe('Save to library', () => {
  it('writes the full-size turn into the library folder under a new name each time, and the library indexes it', { timeout: 60_000 }, async () => {
    const { engine, photos, project } = await engineWithPhoto();
    const first = await engine.edit.saveToLibrary({ turnId: project.cursor, folder: photos });
    const second = await engine.edit.saveToLibrary({ turnId: project.cursor, folder: photos, format: 'jpeg' });
    const third = await engine.edit.saveToLibrary({ turnId: project.cursor, folder: photos });
    expect(first.path).toBe(join(photos, 'Living room - original.png'));
    expect(second.path).toBe(join(photos, 'Living room - original.jpg'));
    expect(third.path).toBe(join(photos, 'Living room - original (2).png'));
    const meta = await sharp(first.path).metadata();
    expect([meta.width, meta.height]).toEqual([project.originalWidth, project.originalHeight]);
    expect(readdirSync(photos).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // Saves at the same moment each get a name of their own.
    const together = await Promise.all([0, 1, 2].map(() => engine.edit.saveToLibrary({ turnId: project.cursor, folder: photos, format: 'webp' })));
    expect(new Set(together.map((t) => t.path)).size).toBe(3);
    const items = await indexed(engine);
    expect(items.map((i) => i.path).sort()).toEqual([join(photos, 'red-square-0.png'), first.path, second.path, third.path, ...together.map((t) => t.path)].sort());
    await engine.close();
  });

  it('saves into a folder inside a root, and refuses folders outside every root (symlinks included), writing nothing', { timeout: 60_000 }, async () => {
    const { engine, photos, project } = await engineWithPhoto();
    mkdirSync(join(photos, 'edits'));
    const saved = await engine.edit.saveToLibrary({ turnId: project.cursor, folder: join(photos, 'edits') });
    expect(saved.path).toBe(join(photos, 'edits', 'Living room - original.png'));
    const outside = await temp();
    symlinkSync(outside, join(photos, 'escape'));
    for (const folder of [outside, join(photos, 'escape'), join(photos, 'edits', '..', '..')]) {
      await expect(engine.edit.saveToLibrary({ turnId: project.cursor, folder })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/not inside a library folder/) });
    }
    await expect(engine.edit.saveToLibrary({ turnId: project.cursor, folder: 'relative/path' })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(engine.edit.saveToLibrary({ turnId: project.cursor, folder: join(photos, 'missing') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(photos, 'missing'))).toBe(false);
    await engine.close();
  });
});
