import type { Page } from '@playwright/test';
import { expect, type LibraryStudio } from './fixtures';

/** Opens the studio with the photo folder in the library and indexed (the worker's studio is shared between tests). */
export async function openIndexedLibrary(page: Page, studio: LibraryStudio) {
  await page.goto(studio.url);
  const summary = page.getByTestId('library-summary');
  if (!(await page.locator(`[data-root="${studio.photos}"]`).isVisible())) {
    await page.getByLabel('Folder to add').fill(studio.photos);
    await page.getByRole('button', { name: 'Add folder' }).click();
  }
  await expect(summary).toContainText('66 photos', { timeout: 30_000 });
  return summary;
}

/** Takes the photo folder out of the library again, so later tests in the worker start from an empty library. */
export async function removeLibraryFolder(page: Page, studio: LibraryStudio) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: `Remove ${studio.photos} from the library` }).click();
  await expect(page.getByRole('region', { name: 'Library settings' }).getByText('No folders yet.')).toBeVisible();
}
