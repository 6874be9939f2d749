import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { withMpfPreview } from '../models/generators/embedded-preview';
import { expect, test } from './fixtures';

const solid = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } }).jpeg().toBuffer();

test.describe('camera JPEGs with an embedded preview', () => {
  test('the details say a photo was indexed from the camera’s preview; a plain JPEG’s do not', async ({ page, libraryStudio }) => {
    test.setTimeout(90_000);
    const dir = await mkdtemp(join(tmpdir(), 'studio-camera-'));
    // A camera's 3240×2160 photo (red) carrying a 1620×1080 preview (blue): the thumbnail shows which was decoded.
    await writeFile(join(dir, 'DSC_0001.jpg'), withMpfPreview(await solid(3240, 2160, '#c33'), await solid(1620, 1080, '#36c')));
    await writeFile(join(dir, 'scan.jpg'), await solid(900, 600, '#3a3'));
    await page.goto(libraryStudio.url);
    await page.getByLabel('Folder to add').fill(dir);
    await page.getByRole('button', { name: 'Add folder' }).click();
    const camera = page.locator('[data-item-id][title$="DSC_0001.jpg"]');
    await expect(camera).toBeVisible({ timeout: 30_000 });

    await camera.click();
    const details = page.getByRole('complementary', { name: 'Details' });
    await expect(details).toContainText('3240 × 2160 px');
    await expect(details).toContainText('Indexed from the camera’s embedded 1620 × 1080 preview');
    await page.screenshot({ path: test.info().outputPath('camera-details.png') });

    await page.locator('[data-item-id][title$="scan.jpg"]').click();
    await expect(details).toContainText('900 × 600 px');
    await expect(details).not.toContainText('Indexed from');

    // Later specs in this worker start from the library as it was.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: `Remove ${dir} from the library` }).click();
    await expect(page.getByRole('button', { name: `Remove ${dir} from the library` })).toBeHidden();
    await rm(dir, { recursive: true, force: true });
  });

  test('the command line’s item says what was decoded', async () => {
    test.setTimeout(60_000);
    const scratch = await mkdtemp(join(tmpdir(), 'studio-camera-cli-'));
    await mkdir(join(scratch, 'photos'));
    const photo = join(scratch, 'photos', 'DSC_0002.jpg');
    await writeFile(photo, withMpfPreview(await solid(1800, 1200, '#c33'), await solid(600, 400, '#36c')));
    const run = (...args: string[]) => spawnSync(process.execPath, ['out/main/cli.js', ...args, '--data-dir', join(scratch, 'data')], { encoding: 'utf8', env: { ...process.env, STUDIO_MODELS_DIR: join(scratch, 'models') } });
    expect(run('index', join(scratch, 'photos')).status).toBe(0);
    const item = run('item', photo);
    expect(item.status, item.stderr).toBe(0);
    expect(item.stdout).toMatch(/Size\s+1800 × 1200 px/);
    expect(item.stdout).toMatch(/Decoded\s+the camera’s embedded 600\s×\s400 preview/);
    expect(JSON.parse(run('item', photo, '--json').stdout)).toMatchObject({ width: 1800, height: 1200, embeddedPreview: { width: 600, height: 400 } });
    await rm(scratch, { recursive: true, force: true });
  });
});
