import { expect, test } from './fixtures';

test.describe('models in Settings', () => {
  test('lists the known models and says how to get the ones that must be exported', async ({ page, studio }) => {
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByTestId('models-dir')).toHaveText(`${studio.dataDir}/models`);
    const clip = page.locator('[data-model="clip-vit-b32"]');
    await expect(clip).toContainText('CLIP ViT-B/32');
    await expect(clip.getByRole('button', { name: /Download · \d+ MB/ })).toBeVisible();
    await expect(page.locator('[data-model="sd15-inpaint"]')).toContainText('optimum-cli export onnx');
  });

  test('downloads a model with live progress, then shows it installed', async ({ page, mirroredStudio }) => {
    await page.goto(mirroredStudio.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    const clip = page.locator('[data-model="clip-vit-b32"]');
    await clip.getByRole('button', { name: /Download/ }).click();
    const tray = page.getByRole('complementary', { name: 'Jobs' });
    await expect(tray.getByText('Downloading CLIP ViT-B/32')).toBeVisible();
    await expect(clip.getByRole('progressbar')).toBeVisible();
    await expect(clip.getByTestId('model-installed')).toBeVisible({ timeout: 30_000 });
    // The 8-bit variant suits this CPU; its text encoder's hash is pinned, the vision encoder's comes from the host.
    await expect(clip.getByTestId('model-verified')).toHaveText('· verified against the host');
    await expect(clip.getByLabel('Variant of CLIP ViT-B/32')).toHaveValue('auto');
    await expect(clip.getByLabel('Variant of CLIP ViT-B/32')).toContainText('Automatic (int8)');
    await expect(tray.locator('[data-state="done"]')).toContainText('Downloading CLIP ViT-B/32');
  });
});

test.describe('models folder', () => {
  test('can be changed in Settings, is refused when relative, and the list follows it', async ({ page, studio }) => {
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Change…' }).click();
    const input = page.getByLabel('Models folder');
    await input.fill('relative/folder');
    await page.getByRole('button', { name: 'Use this folder' }).click();
    await expect(page.getByTestId('settings-error')).toContainText('absolute path');

    const target = `${studio.dataDir}/elsewhere/models`;
    await input.fill(target);
    await page.getByRole('button', { name: 'Use this folder' }).click();
    await expect(page.getByTestId('models-dir')).toHaveText(target);
    await page.reload();
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByTestId('models-dir')).toHaveText(target);
    await page.getByRole('button', { name: 'Change…' }).click();
    await page.getByRole('button', { name: 'Default' }).click();
    await expect(page.getByTestId('models-dir')).toHaveText(`${studio.dataDir}/models`);
  });
});
