import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openIndexedLibrary, removeLibraryFolder } from './library-helpers';

const cells = (page: Page) => page.getByTestId('grid').locator('[data-item-id]');

/** Elements that scroll sideways (content wider than their box, with a scrollable x overflow). */
const sidewaysScrollers = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('*'))
      .filter((e) => e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
  );

/** How many red-ish pixels the region canvas shows (the region's marks). */
const markedPixels = (page: Page) =>
  page.getByTestId('region-canvas').locator('canvas').first().evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0) n++;
    return n;
  });

test.describe('a designer’s window and keyboard', () => {
  test('at 1024×700 the side panels fold, Tab hides them, the grid keeps its columns; Esc, arrows, one Tab stop', async ({ page, libraryStudio }) => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await openIndexedLibrary(page, libraryStudio);
    // The folder list folds away once there are folders; a button brings it back.
    await expect(page.locator(`[data-root="${libraryStudio.photos}"]`)).toBeHidden();
    await page.getByRole('button', { name: 'Folders' }).click();
    await expect(page.locator(`[data-root="${libraryStudio.photos}"]`)).toBeVisible();
    await page.getByRole('button', { name: 'Folders' }).click();
    const tops = await cells(page).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    expect(tops.filter((t) => t === tops[0]).length).toBeGreaterThanOrEqual(4);

    // Details float over the grid without squeezing it; Esc closes them.
    await cells(page).first().click();
    const details = page.getByRole('complementary', { name: 'Details' });
    await expect(details).toBeVisible();
    const after = await cells(page).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    expect(after.filter((t) => t === after[0]).length).toBe(tops.filter((t) => t === tops[0]).length);
    await page.keyboard.press('Escape');
    await expect(details).toBeHidden();

    // The grid is one Tab stop; arrows move inside it; Tab leaves it.
    await cells(page).nth(0).click();
    await page.keyboard.press('Escape');
    await cells(page).nth(0).focus();
    await page.keyboard.press('ArrowRight');
    await expect(cells(page).nth(1)).toBeFocused();
    expect(await cells(page).evaluateAll((els) => els.filter((e) => e.getAttribute('tabindex') === '0').length)).toBe(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-item-id'))).toBe(false);

    // Tab with nothing focused hides the side panels (as in Lightroom), and brings them back.
    await cells(page).nth(2).click();
    await expect(details).toBeVisible();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Tab');
    await expect(details).toBeHidden();
    await page.keyboard.press('Tab');
    await expect(details).toBeVisible();
    expect(await sidewaysScrollers(page)).toEqual([]);

    // Space opens the full-size viewer: arrows move through the results, 1 is 100 %, 0 fits, Esc closes.
    await cells(page).nth(2).focus();
    await page.keyboard.press(' ');
    const viewer = page.getByRole('dialog', { name: 'Viewer' });
    await expect(viewer).toBeVisible();
    const name = await details.locator('h2').textContent();
    await expect(viewer).toContainText(name!);
    await expect.poll(() => viewer.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(300);
    await page.keyboard.press('ArrowRight');
    await expect(viewer.locator('.name')).not.toHaveText(name!);
    await page.keyboard.press('1');
    await expect(viewer).toContainText('100 %');
    await page.keyboard.press('0');
    await expect(viewer).toContainText('fit');
    await page.keyboard.press('Escape');
    await expect(viewer).toBeHidden();
    await expect(details).toBeVisible();

    // Edit at 1024: history and settings both fit beside the canvas; Tab gives the canvas the whole width.
    await details.getByRole('button', { name: 'Open in editor' }).click();
    await expect(page.getByRole('navigation', { name: 'Turn history' })).toContainText('Original');
    const canvasWidth = async () => (await page.getByRole('region', { name: 'Canvas' }).boundingBox())!.width;
    const withPanels = await canvasWidth();
    expect(withPanels).toBeGreaterThan(400);
    await expect(page.getByRole('complementary', { name: 'Turn settings' })).toBeInViewport();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Tab');
    await expect.poll(canvasWidth).toBeGreaterThan(withPanels + 300);
    await page.keyboard.press('Tab');

    // The shortcut list includes Edit's.
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByText('Back to the previous turn / forward along the branch visited last')).toBeVisible();
    // The theme: the system's (light here), or dark whatever the system says — kept after a reload.
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe('rgb(245, 245, 242)');
    await page.getByLabel('Theme').selectOption('dark');
    expect(await background()).toBe('rgb(20, 20, 22)');
    await page.reload();
    expect(await background()).toBe('rgb(20, 20, 22)');
    await page.getByLabel('Theme').selectOption('system');
    expect(await background()).toBe('rgb(245, 245, 242)');
    await removeLibraryFolder(page, libraryStudio);
  });

  test('a saved search reopens exactly (dropped reference, region, weights kept across composers); a reload reopens it too', async ({ page, libraryStudio }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await openIndexedLibrary(page, libraryStudio);
    await page.getByRole('button', { name: 'Search' }).click();
    // The reference can be picked from the library without leaving Search.
    await page.getByRole('button', { name: 'Pick from the library…' }).click();
    await page.getByLabel('Find a reference in the library').fill('a green triangle');
    const picks = page.getByRole('listbox', { name: 'Library photos' }).getByRole('option');
    await expect(picks.first()).toHaveAttribute('title', /green-triangle-\d\.png$/);
    await picks.first().click();
    await expect(page.getByRole('region', { name: 'Reference image' })).toContainText(/green-triangle-\d\.png/);
    await page.getByRole('button', { name: 'Remove reference' }).click();
    const bytes = [...(await readFile(join(libraryStudio.photos, 'red-square-0.png')))];
    const transfer = await page.evaluateHandle((data) => {
      const web = globalThis as unknown as { DataTransfer: new () => { items: { add(file: unknown): void } }; File: new (parts: unknown[], name: string, options: { type: string }) => unknown };
      const dt = new web.DataTransfer();
      dt.items.add(new web.File([new Uint8Array(data)], 'my reference.png', { type: 'image/png' }));
      return dt;
    }, bytes);
    await page.getByTestId('reference-drop').dispatchEvent('drop', { dataTransfer: transfer });
    await expect(page.getByTestId('region-canvas')).toBeVisible();
    await page.getByRole('button', { name: 'Box' }).click();
    const box = (await page.getByTestId('region-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.9, { steps: 4 });
    await page.mouse.up();
    await expect(page.getByText('Only the marked region may change')).toBeVisible();
    // Ctrl+Z undoes the stroke without focusing the picture first; the box comes back by drawing it again.
    await page.getByLabel('New condition').click();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Control+z');
    await expect(page.getByText('Optional: paint or draw a box')).toBeVisible();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.9, { steps: 4 });
    await page.mouse.up();
    await expect(page.getByText('Only the marked region may change')).toBeVisible();
    const marked = await markedPixels(page);
    expect(marked).toBeGreaterThan(100);

    await page.getByLabel('New condition').fill('as a circle');
    await page.getByLabel('New condition').press('Enter');
    await page.getByLabel('Image weight').fill('3');
    await page.getByLabel('Composer').selectOption('gated');
    await expect(page.getByTestId('compose-summary')).toContainText('gated');
    await expect(page.getByLabel('Image weight')).toHaveValue('3');
    expect(await sidewaysScrollers(page)).toEqual([]);

    await page.getByLabel('Saved query name').fill('my dropped square');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Start over' }).click();
    await expect(page.getByTestId('region-canvas')).toBeHidden();
    await page.getByRole('button', { name: 'my dropped square', exact: true }).click();
    const reference = page.getByRole('region', { name: 'Reference image' });
    await expect(reference).not.toContainText('no preview');
    await expect(reference.locator('img')).toBeVisible();
    await expect(page.getByText('Only the marked region may change')).toBeVisible();
    await expect.poll(() => markedPixels(page)).toBeGreaterThan(marked * 0.8);
    await expect(page.getByLabel('Image weight')).toHaveValue('3');
    await expect(page.getByLabel('Composer')).toHaveValue('gated');

    // A reload brings back the search on screen.
    await page.reload();
    await expect(page.getByRole('region', { name: 'Reference image' }).locator('img')).toBeVisible();
    await expect(page.getByLabel('Condition 1', { exact: true })).toHaveValue('as a circle');
    await expect(page.getByText('Only the marked region may change')).toBeVisible();
    await page.getByRole('button', { name: 'Start over' }).click();
    await removeLibraryFolder(page, libraryStudio);
  });
});
