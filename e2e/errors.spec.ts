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

  test('a file that is not a picture is explained and named by its own name, with no action to take', async ({ page, studio }) => {
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.locator('input[type="file"]').setInputFiles({ name: 'holiday notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    const notice = page.getByRole('alert');
    await expect(notice).toHaveAttribute('data-code', 'BAD_IMAGE');
    await expect(notice).toContainText('This picture cannot be opened');
    await expect(notice).toContainText('“holiday notes.txt” is not a picture the studio can read');
    await expect(notice).not.toContainText(studio.dataDir);
    await expect(notice.getByRole('button')).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath('bad-image.png') });
  });
});
