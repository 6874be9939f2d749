import { expect, test } from './fixtures';
import { current, openRedSquareInEditor, turns } from './edit-helpers';

test.describe('edit variations', () => {
  test('run 2 variations side by side, pick the second (click or key), continue from it; the first stays in the tree', async ({ page, libraryStudio }, info) => {
    test.setTimeout(90_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    await openRedSquareInEditor(page, libraryStudio);

    await page.getByLabel('Steps').fill('3');
    await page.getByLabel('Seed').fill('20');
    await page.getByText('Lock').click();
    await page.getByLabel('Sampler').selectOption('ddim');
    await page.getByLabel('Variations').selectOption('2');
    await page.getByLabel('Instruction').fill('make it green');
    await page.getByLabel('Instruction').press('Enter');

    // One job made two sibling turns; both are offered side by side, the first is current.
    await expect(turns(page)).toHaveCount(3, { timeout: 20_000 });
    const strip = page.getByTestId('variations');
    await expect(strip).toBeVisible();
    await expect(strip.getByRole('button', { name: /^Variation \d/ })).toHaveCount(2);
    await expect(strip.getByRole('button', { name: 'Variation 1, seed 20' })).toHaveAttribute('aria-pressed', 'true');
    await expect(strip.getByRole('button', { name: 'Variation 2, seed 21' })).toBeVisible();
    const srcs = await strip.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    expect(new Set(srcs).size).toBe(2);
    await page.screenshot({ path: info.outputPath('variations-1440.png') });

    // Pick the second: it becomes the current turn and the strip goes away.
    await strip.getByRole('button', { name: 'Variation 2, seed 21' }).click();
    await expect(strip).toBeHidden();
    await expect(page.getByTestId('turn-timings')).toContainText('seed 21');

    // Continue from it (one variation): the new turn's parent is the picked one.
    await page.getByLabel('Variations').selectOption('1');
    await page.getByLabel('Instruction').fill('brighter');
    await page.getByLabel('Instruction').press('Enter');
    await expect(turns(page)).toHaveCount(4, { timeout: 20_000 });
    await expect(current(page)).toContainText('brighter');
    await expect(page.getByTestId('variations')).toBeHidden();
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect(page.getByTestId('turn-timings')).toContainText('seed 21');

    // Keys 1–4 pick too: two more variations from here, then "2" on the keyboard.
    await page.getByLabel('Variations').selectOption('2');
    await page.getByLabel('Instruction').fill('darker');
    await page.getByLabel('Instruction').press('Enter');
    await expect(turns(page)).toHaveCount(6, { timeout: 20_000 });
    await expect(page.getByTestId('variations')).toBeVisible();
    await page.getByTestId('variations').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('2');
    await expect(page.getByTestId('variations')).toBeHidden();
    await expect(page.getByTestId('turn-timings')).toContainText('seed 21');
    await expect(current(page)).toContainText('darker');
  });
});
