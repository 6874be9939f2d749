import { join } from 'node:path';
import { fixturePaths } from '../models/fixtures';
import { expect, test } from './fixtures';
import { openIndexedLibrary, removeLibraryFolder } from './library-helpers';

const pervl = join(fixturePaths().eval.pervl, 'images');

test.describe('personal concepts', () => {
  test('teach *sunny from 4 photos, find its kind in the library, steer with GAIR, use it in an edit instruction', async ({ page, libraryStudio }, info) => {
    test.setTimeout(90_000);
    await openIndexedLibrary(page, libraryStudio);
    await page.getByRole('button', { name: 'Concepts' }).click();
    await expect(page.getByTestId('teach-blocker')).toHaveText('Add 3 more photos (3–5).');
    await page.getByLabel('Concept photos').setInputFiles([join(pervl, 'sunny-0.png'), join(pervl, 'sunny-1.png')]);
    await expect(page.getByTestId('teach-blocker')).toHaveText('Add 1 more photo (3–5).');
    await page.getByLabel('Concept photos').setInputFiles([join(pervl, 'sunny-2.png'), join(pervl, 'sunny-3.png')]);
    await expect(page.getByTestId('teach-blocker')).toHaveText('Say what kind of thing it is (the parent word, e.g. “mug”).');
    await page.getByLabel('Parent word').fill('circle');
    await page.getByLabel('Concept name').fill('sunny');
    await page.getByRole('button', { name: 'Teach *sunny' }).click();
    const card = page.locator('[data-concept="sunny"]');
    await expect(card).toBeVisible({ timeout: 60_000 });
    await expect(card.getByLabel('Nearest attribute words')).toContainText('yellow');
    await expect(card).toContainText(/Tells it apart from other circles \d+ % of the time/);
    await page.screenshot({ path: info.outputPath('concepts.png') });
    // Previews: *sunny created from its own photos, one picture per seed.
    await card.getByRole('button', { name: 'Show previews' }).click();
    await expect(card.getByRole('img', { name: /^\*sunny, seed \d$/ })).toHaveCount(3, { timeout: 30_000 });
    await expect(card.getByRole('button', { name: 'Show previews' })).toBeVisible();
    await card.screenshot({ path: info.outputPath('concept-previews.png') });

    // Search with it: the yellow circles of the library come first.
    await card.getByRole('button', { name: 'Search with it' }).click();
    await expect(page.getByLabel('Condition 1', { exact: true })).toHaveValue('a photo of *sunny');
    const cells = page.getByTestId('grid').locator('[data-item-id]');
    await expect(cells.nth(0)).toHaveAttribute('title', /yellow-circle-\d\.png$/);
    await expect(cells.nth(1)).toHaveAttribute('title', /yellow-circle-\d\.png$/);
    // GAIR: the slider moves the ranking between the token and its attribute words.
    const firstScore = () => cells.nth(0).getAttribute('data-score');
    const atOne = await firstScore();
    await page.getByLabel('Token or description').fill('0');
    await expect.poll(firstScore).not.toBe(atOne);
    await page.getByRole('button', { name: 'Auto mix' }).click();
    await expect(page.getByText(/Auto: \d\.\d+ \(generated images/)).toBeVisible();

    // In an edit instruction, "*" completes concept names.
    await cells.nth(0).click();
    await page.getByRole('button', { name: 'Open in editor' }).click();
    await page.getByLabel('Instruction').fill('put *su');
    await page.getByRole('option', { name: '*sunny' }).click();
    await expect(page.getByLabel('Instruction')).toHaveValue('put *sunny ');
    await expect(page.getByText('Concepts are described to the editing model by their attribute words')).toBeVisible();
    await page.getByLabel('Steps').fill('3');
    await page.getByLabel('Instruction').fill('make *sunny green');
    await page.getByLabel('Instruction').press('Enter');
    const history = page.getByRole('navigation', { name: 'Turn history' });
    await expect(history.locator('[data-turn-id]')).toHaveCount(2, { timeout: 20_000 });
    // The history shows what was typed; the editing model saw the concept's attribute words and parent word in place of *sunny.
    await expect(history.locator('[aria-current="true"]')).toContainText('make *sunny green');
    await expect(history.locator('[aria-current="true"]')).toHaveAttribute('title', /Told the model: make \w+ \w+ circle green/);

    await removeLibraryFolder(page, libraryStudio);
  });
});
