import { expect, test } from './fixtures';
import { current, openRedSquareInEditor, turns } from './edit-helpers';

test.describe('crop', () => {
  test('crop with an aspect (Enter applies, Esc cancels), drag a free box, then edit the cropped picture', async ({ page, libraryStudio }, info) => {
    test.setTimeout(90_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    await openRedSquareInEditor(page, libraryStudio);

    // Esc cancels: nothing is added.
    await page.getByRole('button', { name: 'Crop', exact: true }).click();
    await expect(page.getByTestId('crop-tool')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('crop-tool')).toBeHidden();
    await expect(turns(page)).toHaveCount(1);

    // C opens the tool; 1:1 centres the largest square; Enter applies it as a Crop turn at full resolution.
    await page.getByTestId('mask-canvas').click({ position: { x: 2, y: 2 } }).catch(() => undefined);
    await page.locator('body').press('c');
    await expect(page.getByTestId('crop-tool')).toBeVisible();
    await page.getByRole('toolbar', { name: 'Crop' }).getByRole('button', { name: '1:1' }).click();
    await expect(page.getByTestId('crop-size')).toHaveText('240 × 240 px');
    await page.screenshot({ path: info.outputPath('crop-1440.png') });
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('crop-tool')).toBeHidden();
    await expect(turns(page)).toHaveCount(2);
    await expect(current(page)).toContainText('Crop 240×240');

    // A free box dragged over the top-left quarter of the square.
    await page.getByRole('button', { name: 'Crop', exact: true }).click();
    const frame = (await page.getByTestId('crop-frame').boundingBox())!;
    await page.mouse.move(frame.x + 2, frame.y + 2);
    await page.mouse.down();
    await page.mouse.move(frame.x + frame.width / 2, frame.y + frame.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect(page.getByTestId('crop-size')).toHaveText(/^1[12]\d × 1[12]\d px$/);
    await page.getByRole('button', { name: 'Apply crop' }).click();
    await expect(turns(page)).toHaveCount(3);
    await expect(current(page)).toContainText(/Crop 1[12]\d×1[12]\d/);

    // The cropped picture is edited like any other; Export offers the cropped full size.
    await page.getByLabel('Steps').fill('3');
    await page.getByLabel('Instruction').fill('make it green');
    await page.getByLabel('Instruction').press('Enter');
    await expect(turns(page)).toHaveCount(4, { timeout: 20_000 });
    await expect(current(page)).toContainText('make it green');
    await page.getByRole('button', { name: 'Export…' }).click();
    await expect(page.getByRole('dialog')).toContainText(/1[12]\d×1[12]\d/);
  });
});
