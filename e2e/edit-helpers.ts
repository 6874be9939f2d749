import type { Page } from '@playwright/test';
import { expect, type LibraryStudio } from './fixtures';
import { openIndexedLibrary } from './library-helpers';

/** Edit's turn history, its turns, and the turn the cursor is on. */
export const history = (page: Page) => page.getByRole('navigation', { name: 'Turn history' });
export const turns = (page: Page) => history(page).locator('[data-turn-id]');
export const current = (page: Page) => history(page).locator('[aria-current="true"]');

/** Opens the first "a red square" photo of the indexed library in the editor, as a project with one turn. */
export async function openRedSquareInEditor(page: Page, studio: LibraryStudio) {
  await openIndexedLibrary(page, studio);
  await page.getByLabel('Search the library').fill('a red square');
  await page.getByTestId('grid').locator('[data-item-id]').first().click();
  await page.getByRole('complementary', { name: 'Details' }).getByRole('button', { name: 'Open in editor' }).click();
  await expect(turns(page)).toHaveCount(1);
}
