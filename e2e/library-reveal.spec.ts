import { join } from 'node:path';
import { expect, test } from './fixtures';
import { openIndexedLibrary, removeLibraryFolder } from './library-helpers';

test.describe('show in folder (browser)', () => {
  test('copies the full path and says so, in the details and in the viewer; never a Browse… button', async ({ page, context, libraryStudio }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openIndexedLibrary(page, libraryStudio);
    // A browser types folder paths: the desktop's folder picker is not offered.
    await expect(page.getByRole('button', { name: 'Browse…' })).toHaveCount(0);
    await page.getByLabel('Search the library').fill('a yellow triangle');
    const cells = page.getByTestId('grid').locator('[data-item-id]');
    await expect(cells.first()).toHaveAttribute('title', /yellow-triangle-\d\.png$/);
    const path = await cells.first().getAttribute('title');
    await cells.first().click();
    const details = page.getByRole('complementary', { name: 'Details' });
    await details.getByRole('button', { name: 'Show in folder' }).click();
    await expect(details.getByTestId('reveal-note')).toHaveText('Path copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(path);
    expect(path!.startsWith(join(libraryStudio.photos, ''))).toBe(true);

    await page.evaluate(() => navigator.clipboard.writeText(''));
    await details.getByTitle('View full size (Space)').click();
    const viewer = page.getByRole('dialog', { name: 'Viewer' });
    await viewer.getByRole('button', { name: 'Show in folder' }).click();
    await expect(viewer.getByTestId('reveal-note')).toHaveText('Path copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(path);
    await page.keyboard.press('Escape');
    // Later specs in this worker start from an empty library.
    await removeLibraryFolder(page, libraryStudio);
  });
});
