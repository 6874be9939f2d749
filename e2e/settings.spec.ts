import { fixturePaths } from '../models/fixtures';
import { expect, test } from './fixtures';

test.describe('library settings', () => {
  test('folders are managed in Settings too; without a CLIP model photos still get indexed, and the Library says what is missing', async ({
    page,
    studio,
  }) => {
    const world = fixturePaths().world;
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Library settings' });
    await section.getByLabel('Library folder to add').fill(world);
    await section.getByRole('button', { name: 'Add folder' }).click();
    await expect(section).toContainText('66 of 66 indexed', { timeout: 30_000 });

    // No CLIP model is installed here, so the model picker offers the default but cannot switch to an absent one.
    await expect(section.getByLabel('CLIP model')).toHaveValue('clip-vit-b32');
    await expect(section.getByLabel('CLIP model').locator('option', { hasText: 'download it in Models below' }).first()).toBeAttached();
    await section.getByLabel('Search index precision').selectOption('i8');
    const tray = page.getByRole('complementary', { name: 'Jobs' });
    await page.keyboard.press('Control+j');
    await expect(tray).toContainText('Rebuilding the search index (i8)');

    await page.getByRole('button', { name: 'Library', exact: true }).click();
    await expect(page.getByTestId('library-summary')).toContainText('Install CLIP ViT-B/32 in Settings → Models');
    await page.getByLabel('Search the library').fill('blue');
    await expect(page.getByTestId('library-summary')).toContainText('only file names, folders and tags were searched');
    await expect(page.getByTestId('grid').locator('[data-item-id]')).toHaveCount(6);

    // Leave the shared studio as it was.
    await page.getByRole('button', { name: 'Settings' }).click();
    await section.getByRole('button', { name: `Remove ${world} from the library` }).click();
    await expect(section).toContainText('No folders yet.');
    await section.getByLabel('Search index precision').selectOption('f16');
  });
});
