import { expect, test } from './fixtures';
import { openIndexedLibrary, removeLibraryFolder } from './library-helpers';

// A painted region reaches the query after canvas.toBlob, which Chromium runs as an idle task: on a loaded machine
// that can take seconds, so steps that wait for an exported region allow more than the default 5 s.
const afterExport = { timeout: 15_000 };

test.describe('composed search', () => {
  test('“this red square” + “as a circle” − “blue”: the right images first, sliders steer, region, composers, saved queries, open in editor', async ({ page, libraryStudio }, info) => {
    await openIndexedLibrary(page, libraryStudio);
    // Pick the reference in the Library and compose from it.
    await page.getByLabel('Search the library').fill('a red square');
    const libraryCells = page.getByTestId('grid').locator('[data-item-id]');
    await expect(libraryCells.first()).toHaveAttribute('title', /red-square-\d\.png$/);
    await libraryCells.first().click();
    await page.getByRole('complementary', { name: 'Details' }).getByRole('button', { name: 'Compose from this' }).click();
    await expect(page.getByRole('region', { name: 'Reference image' })).toContainText(/red-square-\d\.png/);

    const cells = page.getByTestId('grid').locator('[data-item-id]');
    const summary = page.getByTestId('compose-summary');
    await page.getByLabel('New condition').fill('as a circle');
    await page.getByLabel('New condition').press('Enter');
    await page.getByLabel('Negative text').fill('blue');
    await page.getByLabel('Negative text').press('Enter');
    await expect(summary).toContainText('sum');
    await expect(cells.nth(0)).toHaveAttribute('title', /red-circle-\d\.png$/);
    await expect(cells.nth(1)).toHaveAttribute('title', /red-circle-\d\.png$/);
    const firstTen = async () => Promise.all(Array.from({ length: 10 }, (_, i) => cells.nth(i).getAttribute('title')));
    expect((await firstTen()).filter((t) => /blue-circle/.test(t ?? ''))).toHaveLength(0);
    await page.screenshot({ path: info.outputPath('compose.png') });

    // No text weight: like the image (squares); much text weight: circles of any color.
    await page.getByLabel('Text weight').fill('0');
    await expect(cells.nth(0)).toHaveAttribute('title', /-square-\d\.png$/);
    await expect(summary).toContainText('all conditions cached');
    await page.getByLabel('Text weight').fill('8');
    await expect.poll(async () => (await firstTen()).filter((t) => /-circle-/.test(t ?? '')).length).toBe(10);
    await page.getByLabel('Text weight').fill('1');
    await expect(cells.nth(0)).toHaveAttribute('title', /red-circle-\d\.png$/);

    // Mark a region on the reference: the query now keeps what is outside it.
    const canvas = page.getByTestId('region-canvas');
    const box = (await canvas.boundingBox())!;
    await page.getByRole('button', { name: 'Box' }).click();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.8, { steps: 5 });
    await page.mouse.up();
    await expect(page.getByText('Only the marked region may change')).toBeVisible(afterExport);
    await expect(summary).toContainText('results');
    await page.getByRole('button', { name: 'Clear region' }).click();
    await expect(page.getByText('Optional: paint or draw a box')).toBeVisible();
    // Clear is one undoable step: Undo brings the region back, Redo (button or Ctrl+Shift+Z) clears it again.
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect(page.getByText('Only the marked region may change')).toBeVisible(afterExport);
    await page.screenshot({ path: info.outputPath('compose-region.png') });
    await page.getByRole('button', { name: 'Redo', exact: true }).click();
    await expect(page.getByText('Optional: paint or draw a box')).toBeVisible();
    await page.keyboard.press('Control+z');
    await expect(page.getByText('Only the marked region may change')).toBeVisible(afterExport);
    await page.keyboard.press('Control+Shift+z');
    await expect(page.getByText('Optional: paint or draw a box')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Redo', exact: true })).toBeDisabled();
    // The eraser removes all of what it crosses (a half-erased stroke would still count as marked in the region).
    const drag = async (from: [number, number], to: [number, number]) => {
      await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 6 });
      await page.mouse.up();
    };
    const alphaAt = (fx: number, fy: number) =>
      canvas.locator('canvas').first().evaluate((c, [x, y]) => {
        const layer = c as HTMLCanvasElement;
        return layer.getContext('2d')!.getImageData(Math.round(layer.width * x!), Math.round(layer.height * y!), 1, 1).data[3];
      }, [fx, fy]);
    await page.getByRole('button', { name: 'Brush' }).click();
    await drag([0.2, 0.5], [0.8, 0.5]);
    await page.getByRole('button', { name: 'Eraser' }).click();
    await drag([0.5, 0.3], [0.5, 0.7]);
    await expect.poll(() => alphaAt(0.3, 0.5)).toBeGreaterThan(200);
    await expect.poll(() => alphaAt(0.5, 0.5)).toBe(0);
    await page.getByRole('button', { name: 'Clear region' }).click();
    await expect(page.getByText('Optional: paint or draw a box')).toBeVisible();

    // Another composer, picked per query.
    await page.getByLabel('Composer').selectOption('gated');
    await expect(summary).toContainText('gated');
    await expect(cells.nth(0)).toHaveAttribute('title', /red-circle-\d\.png$/);

    // Save, start over, reopen.
    await page.getByLabel('Saved query name').fill('red square as a circle');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('button', { name: 'red square as a circle', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Start over' }).click();
    await expect(summary).toContainText('Add a reference image, a text, or both.');
    await page.getByRole('button', { name: 'red square as a circle', exact: true }).click();
    await expect(page.getByLabel('Condition 1', { exact: true })).toHaveValue('as a circle');
    await expect(page.getByLabel('Composer')).toHaveValue('gated');
    await expect(cells.nth(0)).toHaveAttribute('title', /red-circle-\d\.png$/);

    // A second condition, reordered: for the sequential composer the later text wins.
    await page.getByLabel('New condition').fill('yellow');
    await page.getByLabel('New condition').press('Enter');
    await expect(cells.nth(0)).toHaveAttribute('title', /yellow-circle-\d\.png$/);
    await page.getByRole('button', { name: 'Remove condition 2' }).click();
    await expect(cells.nth(0)).toHaveAttribute('title', /red-circle-\d\.png$/);

    // Any result opens in the editor.
    await cells.nth(0).click();
    await page.getByRole('button', { name: 'Open in editor' }).click();
    await expect(page.getByRole('navigation', { name: 'Turn history' })).toContainText('Original');
    await expect(page.getByLabel('Project').locator('option:checked')).toContainText(/red-circle-\d · 1 turn\b/);

    await removeLibraryFolder(page, libraryStudio);
  });

  test('a bad query says what is wrong and keeps the panel usable', async ({ page, libraryStudio }) => {
    await page.goto(libraryStudio.url);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByTestId('compose-summary')).toContainText('Add a reference image, a text, or both.');
    // Text-only works without a library folder: it just finds nothing.
    await page.getByLabel('New condition').fill('a red circle');
    await page.getByLabel('New condition').press('Enter');
    await expect(page.getByTestId('compose-summary')).toContainText('0 results');
    await expect(page.getByLabel('Composer').locator('option', { hasText: 'CompoDiff' })).toBeEnabled();
  });
});
