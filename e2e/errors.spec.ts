import { expect, test } from './fixtures';

test.describe('errors are explained', () => {
  test('a missing model is explained, with the specific message and a button that opens Settings → Models', async ({ page, studio }) => {
    await page.goto(studio.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel('New condition').fill('a red square');
    await page.getByLabel('New condition').press('Enter');

    const notice = page.getByTestId('compose-summary').getByRole('alert');
    await expect(notice).toHaveAttribute('data-code', 'MODEL_MISSING');
    // The table's explanation, and the engine's own message as the detail (which model, where).
    await expect(notice).toContainText('A model is not installed');
    await expect(notice).toContainText('is not installed in');
    await page.screenshot({ path: test.info().outputPath('model-missing.png') });

    await notice.getByRole('button', { name: 'Install a model' }).click();
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await expect(page.locator('#settings-models')).toBeFocused();
    await expect(page.locator('#settings-models')).toBeInViewport();
  });
});
