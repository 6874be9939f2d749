import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { taggedJpeg } from '../models/tagged-photo';
import { expect, test, type LibraryStudio } from './fixtures';

/** A folder of its own: a phone photo with GPS/exposure/XMP, a file named for a client, two scenes and a text file posing as a JPEG. */
async function designerFolder(studio: LibraryStudio): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'studio-designer-'));
  await writeFile(join(dir, 'harbour.jpg'), await taggedJpeg());
  await copyFile(join(studio.photos, 'gray-triangle-0.png'), join(dir, 'client-x brief.png'));
  await copyFile(join(studio.photos, 'red-circle-0.png'), join(dir, 'red one.png'));
  await copyFile(join(studio.photos, 'blue-square-0.png'), join(dir, 'blue one.png'));
  await writeFile(join(dir, 'notes.jpg'), 'Meeting notes, not a picture.');
  return dir;
}

async function addFolder(page: Page, dir: string): Promise<void> {
  await page.getByLabel('Folder to add').fill(dir);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.locator('[data-item-id][title$="harbour.jpg"]')).toBeVisible({ timeout: 30_000 });
}

async function removeFolder(page: Page, dir: string): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: `Remove ${dir} from the library` }).click();
  await expect(page.getByRole('button', { name: `Remove ${dir} from the library` })).toBeHidden();
  await rm(dir, { recursive: true, force: true });
}

const cells = (page: Page) => page.getByTestId('grid').locator('[data-item-id]');

test.describe('a designer’s library', () => {
  test('details show GPS, exposure, lens and XMP; a tag or file name that is the query comes first; unreadable files are listed', async ({ page, libraryStudio }) => {
    test.setTimeout(90_000);
    const dir = await designerFolder(libraryStudio);
    await page.goto(libraryStudio.url);
    // The first-run checklist: a model is installed here; a folder and a search are still to do.
    const firstRun = page.getByRole('list', { name: 'Getting started' });
    await expect(firstRun).toContainText(/in the pictures\s*\(done\)/);
    await expect(firstRun).not.toContainText(/Add a photo folder\s*\(done\)/);
    await addFolder(page, dir);
    await expect(firstRun).toContainText(/Add a photo folder\s*\(done\)/);

    await page.locator('[data-item-id][title$="harbour.jpg"]').click();
    const details = page.getByRole('complementary', { name: 'Details' });
    await expect(details).toContainText('Nokia 2 N9');
    await expect(details).toContainText('Carl Zeiss Tessar');
    await expect(details).toContainText('ISO 200 · f/2.8 · 1/250 s · 35 mm');
    await expect(details).toContainText('48.85823° N, 2.29450° E');
    await expect(details).toContainText('Harbour at dawn');
    await expect(details.getByLabel('Tags')).toHaveValue('boats, client-x');

    // "client-x": the photo tagged so (from its XMP keywords) and the file named so come first, marked as matches.
    await page.getByLabel('Search the library').fill('client-x');
    await expect(cells(page).nth(0)).toHaveAttribute('title', /(harbour\.jpg|client-x brief\.png)$/);
    await expect(cells(page).nth(1)).toHaveAttribute('title', /(harbour\.jpg|client-x brief\.png)$/);
    await expect(cells(page).nth(0).getByText('match')).toBeVisible();
    await expect(firstRun).toBeHidden();
    // Committed searches are remembered and offered again.
    await page.getByLabel('Search the library').press('Enter');
    await expect(page.locator('#library-history option[value="client-x"]')).toHaveCount(1);
    await expect(cells(page).nth(2).getByText('match')).toHaveCount(0);

    // What could not be read is listed with the reason.
    await page.getByLabel('Search the library').fill('');
    await page.getByRole('button', { name: 'Show files not indexed' }).click();
    const problems = page.getByRole('region', { name: 'Files not indexed' });
    await expect(problems).toContainText(join(dir, 'notes.jpg'));
    await expect(problems).toContainText('not an image the studio can read');

    // Filters that match nothing say so (not "No photos indexed yet").
    await page.getByLabel('Orientation').selectOption('portrait');
    await expect(page.getByTestId('library-empty')).toContainText('No photos match these filters.');
    await page.getByTestId('library-empty').getByRole('button', { name: 'Clear filters' }).click();
    await expect(cells(page).first()).toBeVisible();

    // Rate, pick and tag two photos at once (Ctrl-click, then Lightroom's keys); filter and sort by them.
    await page.getByLabel('Search the library').fill('one');
    await expect(cells(page).nth(0)).toHaveAttribute('title', /(blue|red) one\.png$/);
    await page.getByLabel('Sort').selectOption('name');
    await expect(cells(page).nth(0)).toHaveAttribute('title', /blue one\.png$/);
    const titles = (await cells(page).evaluateAll((els) => els.map((e) => e.getAttribute('title')!.split('/').at(-1)!))).slice(0, 4);
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' })));
    const blue = page.locator('[data-item-id][title$="blue one.png"]');
    const red = page.locator('[data-item-id][title$="red one.png"]');
    await blue.click();
    await red.click({ modifiers: ['Control'] });
    const batch = page.getByRole('form', { name: 'Selected photos' });
    await expect(batch).toContainText('2 selected');
    await batch.getByLabel('Tags to add').fill('final, Print');
    await batch.getByRole('button', { name: 'Add tags' }).click();
    await red.focus();
    await page.keyboard.press('4');
    await page.keyboard.press('p');
    await expect(blue.locator('.stars')).toHaveText('★★★★');
    await expect(red.locator('.flag.pick')).toBeVisible();
    await page.getByLabel('Search the library').fill('');
    await page.getByLabel('Minimum rating').selectOption('4');
    await page.getByLabel('Flag').selectOption('pick');
    await expect(cells(page)).toHaveCount(2);
    await cells(page).nth(0).click();
    await expect(details.getByLabel('Tags')).toHaveValue('final, print');
    await expect(details.getByRole('button', { name: '4 stars' })).toHaveAttribute('aria-pressed', 'true');
    await details.getByRole('button', { name: 'Reject' }).click();
    await page.getByLabel('Flag').selectOption('reject');
    await expect(cells(page)).toHaveCount(1);
    await page.getByRole('button', { name: 'Clear filters' }).first().click();

    // File names under the thumbnails on demand; three photos picked in the Library teach a concept.
    await page.getByRole('button', { name: 'Names' }).click();
    await expect(page.locator('[data-item-id][title$="harbour.jpg"]')).toContainText('harbour.jpg');
    await page.locator('[data-item-id][title$="harbour.jpg"]').click();
    await blue.click({ modifiers: ['Control'] });
    await red.click({ modifiers: ['Control'] });
    await batch.getByRole('button', { name: 'Teach a concept from these…' }).click();
    await expect(page.getByTestId('teach-blocker')).toHaveText('Say what kind of thing it is (the parent word, e.g. “mug”).');
    await expect(page.getByTestId('concept-drop').locator('img')).toHaveCount(3);
    await page.getByRole('button', { name: 'Library' }).click();
    await page.getByRole('button', { name: 'Names' }).click();

    await removeFolder(page, dir);
  });

  test('files that are not pictures are refused when dropped or chosen, naming the user’s own file', async ({ page, libraryStudio }) => {
    await page.goto(libraryStudio.url);
    const text = { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Meeting notes, not a picture.') };
    const fake = { name: 'fake.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('Meeting notes, not a picture.') };

    // Library: a text file dropped to search by.
    const transfer = await page.evaluateHandle(() => {
      const web = globalThis as unknown as { DataTransfer: new () => { items: { add(file: unknown): void } }; File: new (parts: unknown[], name: string, options: { type: string }) => unknown };
      const dt = new web.DataTransfer();
      dt.items.add(new web.File(['Meeting notes, not a picture.'], 'notes.txt', { type: 'text/plain' }));
      return dt;
    });
    await page.getByLabel('Folder to add').fill(libraryStudio.photos);
    await page.getByRole('button', { name: 'Add folder' }).click();
    const photos = page.getByRole('region', { name: 'Photos' });
    await expect(cells(page).first()).toBeVisible({ timeout: 30_000 });
    await photos.dispatchEvent('drop', { dataTransfer: transfer });
    await expect(page.getByTestId('library-summary')).toContainText('“notes.txt” is not a picture the studio can read');
    await expect(page.getByTestId('library-summary')).not.toContainText('uploads');

    // Edit: a text file opened as a picture.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.locator('input[type="file"]').setInputFiles(text);
    await expect(page.getByRole('alert')).toContainText('This picture cannot be opened');
    await expect(page.getByRole('alert')).toContainText('“notes.txt” is not a picture the studio can read (JPEG, PNG, WebP, AVIF, TIFF or GIF).');

    // Concepts: a fake JPEG is refused at once, not after Teach.
    await page.getByRole('button', { name: 'Concepts' }).click();
    const red = { name: 'red.png', mimeType: 'image/png', buffer: await readFile(join(libraryStudio.photos, 'red-circle-0.png')) };
    await page.getByLabel('Concept photos').setInputFiles([fake, red]);
    await expect(page.getByRole('alert')).toContainText('“fake.jpg” is not a picture');
    await expect(page.getByTestId('teach-blocker')).toHaveText('Add 2 more photos (3–5).');

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: `Remove ${libraryStudio.photos} from the library` }).click();
  });
});
