import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { openIndexedLibrary } from './library-helpers';

test.describe('library', () => {
  test('add a folder, watch it index, search by words, open details and find more like it', async ({ page, libraryStudio }) => {
    await page.goto(libraryStudio.url);
    await expect(page.getByRole('heading', { name: 'Add your photo folders' })).toBeVisible();

    await page.getByLabel('Folder to add').fill(libraryStudio.photos);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect(page.locator(`[data-root="${libraryStudio.photos}"]`)).toBeVisible();
    await expect(page.getByTestId('library-summary')).toContainText('66 photos · 66 searchable by content', { timeout: 30_000 });
    await expect(page.locator(`[data-root="${libraryStudio.photos}"]`)).toContainText('66 of 66 indexed');

    await page.getByLabel('Search the library').fill('a red circle');
    const cells = page.getByTestId('grid').locator('[data-item-id]');
    await expect(cells.first()).toHaveAttribute('title', /red-circle-\d\.png$/);
    await expect(cells.nth(1)).toHaveAttribute('title', /red-circle-\d\.png$/);
    // Thumbnails really load through the token-guarded route.
    await expect.poll(() => cells.first().locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);

    await page.getByLabel('Search the library').fill('a yellow triangle');
    await expect(cells.first()).toHaveAttribute('title', /yellow-triangle-\d\.png$/);
    await cells.first().click();
    const details = page.getByRole('complementary', { name: 'Details' });
    await expect(details).toContainText(/yellow-triangle-\d\.png/);
    await expect(details).toContainText('300 × 240 px');
    // Tags are saved and become searchable by name.
    await details.getByLabel('Tags').fill('Moodboard, sunny');
    await details.getByRole('button', { name: 'Save tags' }).click();
    await expect(details.getByLabel('Tags')).toHaveValue('moodboard, sunny');
    await details.getByRole('button', { name: 'More like this' }).click();
    await expect(page.getByTestId('library-summary')).toContainText('More like the selected photo');
    await expect(cells.first()).toHaveAttribute('title', /yellow-triangle-\d\.png$/);
  });
});

test.describe('library watching', () => {
  test('a photo copied into a library folder appears by itself; a deleted one goes', async ({ page, libraryStudio }) => {
    const summary = await openIndexedLibrary(page, libraryStudio);
    await copyFile(join(libraryStudio.photos, 'red-circle-0.png'), join(libraryStudio.photos, 'new arrival.png'));
    await expect(summary).toContainText('67 photos', { timeout: 30_000 });
    await rm(join(libraryStudio.photos, 'new arrival.png'));
    await expect(summary).toContainText('66 photos', { timeout: 30_000 });
  });
});

test.describe('library filters and duplicates', () => {
  test('filter by orientation and format, and list identical files', async ({ page, libraryStudio }) => {
    const summary = await openIndexedLibrary(page, libraryStudio);
    const cells = page.getByTestId('grid').locator('[data-item-id]');
    await page.getByLabel('Search the library').fill('a green square');
    await expect(cells.first()).toHaveAttribute('title', /green-square/);

    await page.getByLabel('Orientation').selectOption('portrait');
    await expect(page.getByText('Nothing matches')).toBeVisible();
    await page.getByLabel('Orientation').selectOption('landscape');
    await page.getByLabel('Format').selectOption('png');
    await expect(cells.first()).toHaveAttribute('title', /green-square/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(page.getByLabel('Format')).toHaveValue('');

    await copyFile(join(libraryStudio.photos, 'blue-square-1.png'), join(libraryStudio.photos, 'blue square copy.png'));
    await expect(summary).toContainText('67 photos', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Duplicates' }).click();
    const groups = page.getByTestId('duplicates');
    await expect(groups).toContainText('2 identical files');
    await expect(groups).toContainText('blue square copy.png');
    await expect(groups).toContainText('blue-square-1.png');
    await page.getByRole('button', { name: 'Find near-duplicates' }).click();
    await expect(groups).toContainText(/Near-identical \(\d+ groups\)/, { timeout: 30_000 });
    await expect(groups).toContainText('near-identical photos');

    // Keep the original: the copy goes to the system trash (after a confirm listing it) and leaves the library.
    const identical = groups.getByTestId('duplicate-group').filter({ hasText: 'identical files' }).filter({ hasText: 'blue square copy.png' }).last();
    await identical.getByRole('button', { name: `Keep ${join(libraryStudio.photos, 'blue-square-1.png')}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Move to trash' });
    await expect(confirm.getByTestId('trash-list')).toHaveText(join(libraryStudio.photos, 'blue square copy.png'));
    await confirm.getByRole('button', { name: 'Move to trash' }).click();
    await expect(page.getByTestId('trash-outcome')).toContainText('1 file moved to the trash');
    await expect(summary).toContainText('66 photos', { timeout: 30_000 });
    expect(existsSync(join(libraryStudio.photos, 'blue square copy.png'))).toBe(false);
    expect(existsSync(join(libraryStudio.photos, 'blue-square-1.png'))).toBe(true);
    const infos = await readdir(join(libraryStudio.trash, 'info'));
    const info = await readFile(join(libraryStudio.trash, 'info', infos[0]!), 'utf8');
    expect(decodeURI(/^Path=(.*)$/m.exec(info)![1]!)).toBe(join(libraryStudio.photos, 'blue square copy.png'));
    await expect(groups).toContainText('No duplicates: every photo in the library is unique.');
  });
});

test.describe('search by a dropped picture', () => {
  test('dropping an image file onto the photos searches by it', async ({ page, libraryStudio }) => {
    await openIndexedLibrary(page, libraryStudio);
    const bytes = [...(await readFile(join(libraryStudio.photos, 'pink-triangle-0.png')))];
    // Simulate the operating system's drop: a DataTransfer holding the file.
    const transfer = await page.evaluateHandle((data) => {
      // Runs in the page: the DOM's DataTransfer and File.
      const web = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
      };
      const dt = new web.DataTransfer();
      dt.items.add(new web.File([new Uint8Array(data)], 'reference.png', { type: 'image/png' }));
      return dt;
    }, bytes);
    const photos = page.getByRole('region', { name: 'Photos' });
    await photos.dispatchEvent('dragover', { dataTransfer: transfer });
    await photos.dispatchEvent('drop', { dataTransfer: transfer });
    await expect(page.getByTestId('search-by-file')).toContainText('Like reference.png');
    await expect(page.getByTestId('grid').locator('[data-item-id]').first()).toHaveAttribute('title', /pink-triangle-0\.png$/);

    // A folder dropped on the folder list: a browser cannot tell its path, and the studio says what to do instead.
    const folders = page.getByRole('group', { name: 'Library folders' });
    await folders.dispatchEvent('dragover', { dataTransfer: transfer });
    await folders.dispatchEvent('drop', { dataTransfer: transfer });
    await expect(page.getByTestId('library-summary')).toContainText('Browsers do not reveal where a dropped folder lives');
  });
});
