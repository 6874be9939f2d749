import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from './fixtures';
import { openIndexedLibrary, removeLibraryFolder } from './library-helpers';

test('Export dialog: save the current turn into a library folder, and the library indexes it', async ({ page, libraryStudio }, info) => {
  test.setTimeout(60_000);
  const summary = await openIndexedLibrary(page, libraryStudio);
  await page.getByTestId('grid').locator('[data-item-id]').first().click();
  await page.getByRole('complementary', { name: 'Details' }).getByRole('button', { name: 'Open in editor' }).click();
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await expect(dialog.getByLabel('Library folder')).toHaveValue(libraryStudio.photos);
  await dialog.getByRole('button', { name: 'Save to library' }).click();
  await expect(dialog.getByRole('status')).toContainText(`Saved to ${libraryStudio.photos}`);
  await page.screenshot({ path: info.outputPath('save-to-library.png') });
  const saved = (await dialog.getByRole('status').textContent())!.match(/Saved to (.+); the library/)![1]!;
  const meta = await sharp(saved).metadata();
  expect([meta.width, meta.height]).toEqual([300, 240]);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Library' }).click();
  await expect(summary).toContainText('67 photos', { timeout: 30_000 });
  // Leave the shared studio as the other tests expect it.
  await rm(saved);
  await removeLibraryFolder(page, libraryStudio);
  expect(saved.startsWith(join(libraryStudio.photos, ''))).toBe(true);
});
