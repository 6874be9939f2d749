import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Page } from '@playwright/test';
import { current, turns } from './edit-helpers';
import { expect, test } from './fixtures';
import { openIndexedLibrary, removeLibraryFolder } from './library-helpers';

const tiles = (page: Page) => page.getByTestId('neighbour-strip').getByTestId('neighbour');

test.describe('grounded generation', () => {
  test('create from neighbours (find, pin, remove, drop your own), then edit grounded in them; export and replay', async ({ page, libraryStudio }, info) => {
    test.setTimeout(90_000);
    await openIndexedLibrary(page, libraryStudio);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'New canvas' }).click();
    await page.getByLabel('Turn type').selectOption('grounded-create');
    await expect(page.getByTestId('neighbour-strip')).toBeVisible();
    await page.getByLabel('Steps').fill('8');

    // The schedule follows η: a quarter of 8 steps text-enhanced, counted from the end.
    await page.getByLabel('Text vs neighbours η').fill('0.25');
    await expect(page.getByTestId('guidance-ticks')).toHaveAttribute('data-schedule', 'TNNNTNNN');

    await page.getByLabel('Instruction').fill('a blue square');
    await page.getByRole('button', { name: 'Find for the prompt' }).click();
    await expect(tiles(page)).toHaveCount(3);
    await expect(tiles(page).first()).toHaveAttribute('title', /^blue-square-\d\.png$/);
    const second = (await tiles(page).nth(1).getAttribute('title'))!;
    await page.getByRole('button', { name: `Pin ${(await tiles(page).first().getAttribute('title'))!}` }).click();
    await page.getByRole('button', { name: `Remove ${second}` }).click();
    await expect(tiles(page)).toHaveCount(2);
    const mine = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#2040e0' } }).png().toBuffer();
    await page.getByLabel('Add your own neighbour').setInputFiles({ name: 'my-blue.png', mimeType: 'image/png', buffer: mine });
    await expect(tiles(page)).toHaveCount(3);
    await expect(tiles(page).filter({ hasText: 'my-blue.png' })).toContainText('yours');
    await page.screenshot({ path: info.outputPath('grounded-strip.png') });

    await page.getByLabel('Instruction').press('Enter');
    await expect(turns(page)).toHaveCount(2, { timeout: 20_000 });
    await expect(page.getByTestId('turn-running')).toBeHidden();
    await expect(current(page)).toContainText('a blue square');
    await page.screenshot({ path: info.outputPath('grounded-create.png') });

    await page.getByLabel('Turn type').selectOption('grounded-edit');
    await page.getByLabel('Instruction').fill('make it red');
    await page.getByLabel('Instruction').press('Enter');
    await expect(turns(page)).toHaveCount(3, { timeout: 20_000 });
    await expect(page.getByTestId('turn-running')).toBeHidden();
    await expect(current(page)).toContainText('make it red');
    await page.screenshot({ path: info.outputPath('grounded-edit.png') });

    // Export: a grounded recipe with the schedule and the neighbours' content hashes, replayed bit for bit by the CLI.
    const downloads: import('@playwright/test').Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export' });
    await dialog.getByText('Also download the recipe').click();
    await dialog.getByRole('button', { name: 'Export' }).click();
    await expect.poll(() => downloads.length).toBe(2);
    await page.keyboard.press('Escape');
    const byName = async (suffix: string) => readFile((await downloads.find((d) => d.suggestedFilename().endsWith(suffix))!.path())!);
    const recipe = JSON.parse((await byName('.recipe.json')).toString('utf8'));
    expect(recipe).toMatchObject({ format: 'compose-studio.grounded-recipe', mode: 'edit', schedule: expect.stringMatching(/^[TN]{8}$/) });
    expect(recipe.neighbours.map((n: { name: string }) => n.name)).toContain('my-blue.png');
    const recipeFile = info.outputPath('grounded.recipe.json');
    await writeFile(recipeFile, JSON.stringify(recipe));
    const out = info.outputPath('replayed.png');
    const replay = spawnSync(process.execPath, ['out/main/cli.js', 'replay', recipeFile, '--out', out, '--json', '--data-dir', libraryStudio.dataDir], {
      env: { ...process.env, STUDIO_MODELS_DIR: libraryStudio.modelsDir },
      encoding: 'utf8',
    });
    expect(replay.status, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ identical: true });
    // The export is re-encoded (and at full size), so the replay is compared with it pixel for pixel.
    const pixels = async (bytes: Buffer) => sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const [replayed, exported] = await Promise.all([pixels(await readFile(out)), pixels(await byName('.png'))]);
    expect([replayed.info.width, replayed.info.height]).toEqual([exported.info.width, exported.info.height]);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(replayed.data)).toBe(sha(exported.data));

    await removeLibraryFolder(page, libraryStudio);
  });
});
