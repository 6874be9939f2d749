import { expect, test } from './fixtures';
import { openIndexedLibrary, removeLibraryFolder } from './library-helpers';

test('albums: make one from selected photos, filter the grid, search inside it, rename and delete it (photos stay)', async ({ page, libraryStudio }, info) => {
  test.setTimeout(90_000);
  const summary = await openIndexedLibrary(page, libraryStudio);
  const cells = page.getByTestId('grid').locator('[data-item-id]');
  const sidebar = page.getByRole('region', { name: 'Albums' });
  const search = page.getByLabel('Search the library');

  // Two blue squares, selected together, make a new album.
  await search.fill('a blue square');
  await expect(cells.first()).toHaveAttribute('title', /blue-square-\d\.png$/);
  await cells.nth(0).click();
  await cells.nth(1).click({ modifiers: ['Control'] });
  await page.getByRole('button', { name: 'Add to album…' }).click();
  await page.getByRole('menuitem', { name: 'New album…' }).click();
  await page.getByRole('menu', { name: 'Add to album' }).getByLabel('New album name').fill('Client X');
  await page.getByRole('menu', { name: 'Add to album' }).getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('album-note')).toHaveText('Made “Client X” with 2 photos.');
  await expect(sidebar.locator('[data-album="Client X"]')).toContainText('2');

  // Two red circles join it through the menu, by keyboard.
  await search.fill('a red circle');
  await expect(cells.first()).toHaveAttribute('title', /red-circle-\d\.png$/);
  await cells.nth(0).click();
  await cells.nth(1).click({ modifiers: ['Control'] });
  await page.getByRole('button', { name: 'Add to album…' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menuitem', { name: /Client X/ })).toBeFocused();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: info.outputPath('albums-menu-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('album-note')).toHaveText('Added 2 photos to “Client X”.');
  await expect(sidebar.locator('[data-album="Client X"]')).toContainText('4');

  // Clicking the album filters the grid (a chip says so); words search inside it only.
  await search.fill('');
  await sidebar.getByRole('button', { name: 'Client X 4 photos' }).click();
  await expect(page.getByTestId('album-chip')).toContainText('Album: Client X');
  await expect(cells).toHaveCount(4);
  await search.fill('a red circle');
  await expect(cells.nth(0)).toHaveAttribute('title', /red-circle-\d\.png$/);
  await expect(cells.nth(1)).toHaveAttribute('title', /red-circle-\d\.png$/);
  // Only the album's photos; the blue squares may fall below the relevance cut-off.
  expect(await cells.count()).toBeLessThanOrEqual(4);
  const names = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('title')!.split('/').pop()));
  expect(names.every((n) => /^(blue-square|red-circle)-\d\.png$/.test(n!))).toBe(true);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: info.outputPath('albums-1440.png') });

  // One photo leaves the album (it stays in the library).
  await search.fill('');
  await expect(cells).toHaveCount(4);
  await cells.first().click();
  await page.getByRole('button', { name: 'Remove from album' }).click();
  await expect(cells).toHaveCount(3);
  await expect(sidebar.locator('[data-album="Client X"]')).toContainText('3');

  // Composed search can be limited to the album too.
  await page.getByRole('button', { name: 'Search' }).first().click();
  await page.getByLabel('New condition').fill('a red circle');
  await page.getByLabel('New condition').press('Enter');
  await page.getByLabel('Search in').selectOption({ label: 'Album: Client X (3)' });
  const results = page.getByRole('region', { name: 'Results' }).locator('[data-item-id]');
  await expect(results).toHaveCount(3);
  await page.screenshot({ path: info.outputPath('albums-compose-1440.png') });
  await page.getByLabel('Search in').selectOption({ label: 'The whole library' });
  await expect.poll(() => results.count()).toBeGreaterThan(3);
  await page.getByRole('button', { name: 'Start over' }).click();

  // Renamed, then deleted after a confirmation; the photos remain.
  await page.getByRole('button', { name: 'Library' }).first().click();
  await sidebar.getByRole('button', { name: 'Rename Client X' }).click();
  await sidebar.getByLabel('New name for Client X').fill('Client Y');
  await sidebar.getByLabel('New name for Client X').press('Enter');
  await expect(page.getByTestId('album-chip')).toContainText('Album: Client Y');
  await sidebar.getByRole('button', { name: 'Delete Client Y' }).click();
  await sidebar.getByRole('button', { name: 'Delete album' }).click();
  await expect(sidebar.locator('[data-album]')).toHaveCount(0);
  await expect(page.getByTestId('album-chip')).toBeHidden();
  await search.fill('');
  await expect(summary).toContainText('66 photos');
  await expect(cells.first()).toBeVisible();
  await removeLibraryFolder(page, libraryStudio);
});

test('albums: photos dragged onto an album join it; a concept can be taught from an album', async ({ page, libraryStudio }, info) => {
  await openIndexedLibrary(page, libraryStudio);
  const cells = page.getByTestId('grid').locator('[data-item-id]');
  const sidebar = page.getByRole('region', { name: 'Albums' });
  await sidebar.getByRole('button', { name: 'New album' }).click();
  await sidebar.getByLabel('New album name').fill('Greens');
  await sidebar.getByLabel('New album name').press('Enter');
  await expect(sidebar.locator('[data-album="Greens"]')).toContainText('0');

  await page.getByLabel('Search the library').fill('a green triangle');
  await expect(cells.first()).toHaveAttribute('title', /green-triangle-\d\.png$/);
  await cells.nth(0).click();
  await cells.nth(1).click({ modifiers: ['Control'] });
  await cells.nth(2).click({ modifiers: ['Control'] });
  await cells.nth(0).dragTo(sidebar.locator('[data-album="Greens"]'));
  await expect(sidebar.locator('[data-album="Greens"]')).toContainText('3');
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.getByRole('button', { name: 'Folders' }).click();
  await page.screenshot({ path: info.outputPath('albums-1024.png') });

  await page.getByRole('button', { name: 'Concepts' }).click();
  await page.getByLabel('Use an album').selectOption({ label: 'Greens (3)' });
  await page.getByRole('button', { name: 'Use its photos' }).click();
  await expect(page.getByTestId('concept-drop').locator('figure')).toHaveCount(3);
  await expect(page.getByTestId('teach-blocker')).not.toContainText('more photo');
  await page.screenshot({ path: info.outputPath('albums-concepts-1024.png') });
  for (let i = 3; i >= 1; i--) await page.getByRole('button', { name: `Remove photo ${i}` }).click();

  await page.getByRole('button', { name: 'Library' }).first().click();
  await page.getByRole('button', { name: 'Folders' }).click();
  await sidebar.getByRole('button', { name: 'Delete Greens' }).click();
  await sidebar.getByRole('button', { name: 'Delete album' }).click();
  await expect(sidebar.locator('[data-album]')).toHaveCount(0);
  await removeLibraryFolder(page, libraryStudio);
});
