import { join } from 'node:path';
import { fixturePaths } from '../models/fixtures';
import { expect, test } from './fixtures';
import { openIndexedLibrary, removeLibraryFolder } from './library-helpers';

const pervl = join(fixturePaths().eval.pervl, 'images');

test('a concept card: Add photos… retrains the concept with its photos and the new ones', async ({ page, libraryStudio }, info) => {
  test.setTimeout(90_000);
  await openIndexedLibrary(page, libraryStudio);
  await page.getByRole('button', { name: 'Concepts' }).click();
  await page.getByLabel('Concept photos').setInputFiles([0, 1, 2].map((i) => join(pervl, `sunny-${i}.png`)));
  await page.getByLabel('Parent word').fill('circle');
  await page.getByLabel('Concept name').fill('sunnyplus');
  await page.getByRole('button', { name: 'Teach *sunnyplus' }).click();
  const card = page.locator('[data-concept="sunnyplus"]');
  await expect(card.locator('.thumbs img')).toHaveCount(3, { timeout: 60_000 });
  await expect(page.getByTestId('teaching')).toBeHidden();

  await card.getByLabel('Add photos to *sunnyplus').setInputFiles([3, 4].map((i) => join(pervl, `sunny-${i}.png`)));
  await expect(card.locator('.thumbs img')).toHaveCount(5, { timeout: 60_000 });
  await expect(page.getByTestId('teaching')).toBeHidden();
  await expect(page.locator('[data-concept="sunnyplus"]')).toHaveCount(1);
  await page.screenshot({ path: info.outputPath('concepts-add-photos.png') });

  // The same photo again is refused by name, and the concept stays as it is.
  await card.getByLabel('Add photos to *sunnyplus').setInputFiles([join(pervl, 'sunny-0.png')]);
  await expect(page.getByRole('alert')).toContainText('same picture');
  await expect(card.locator('.thumbs img')).toHaveCount(5);

  // From the Library: select two photos, "Add to concept…" → *sunnyplus retrains with them (Concepts shows it).
  await page.getByRole('button', { name: 'Library' }).click();
  const cells = page.getByTestId('grid').locator('[data-item-id]');
  await cells.nth(0).click();
  await cells.nth(1).click({ modifiers: ['Control'] });
  await page.getByRole('form', { name: 'Selected photos' }).getByLabel('Add to concept').selectOption({ label: '*sunnyplus' });
  await expect(card.locator('.thumbs img')).toHaveCount(7, { timeout: 60_000 });
  await expect(page.getByTestId('teaching')).toBeHidden();

  await card.getByRole('button', { name: 'Delete' }).click();
  await removeLibraryFolder(page, libraryStudio);
});
