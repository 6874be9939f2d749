import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { current, turns } from './edit-helpers';
import { expect, test } from './fixtures';
import { openIndexedLibrary, removeLibraryFolder } from './library-helpers';

// A painted mask reaches the editor after canvas.toBlob, which Chromium runs as an idle task: on a loaded machine that
// can take seconds, so steps that wait for an exported mask allow more than the default 5 s.
const afterExport = { timeout: 15_000 };

async function runTurn(page: Page, instruction: string, expected: number) {
  await page.getByLabel('Instruction').fill(instruction);
  await page.getByLabel('Instruction').press('Enter');
  await expect(turns(page)).toHaveCount(expected, { timeout: 20_000 });
  await expect(page.getByTestId('turn-running')).toBeHidden();
  await expect(current(page)).toContainText(instruction);
}

test.describe('editing turn by turn', () => {
  test('open a photo, three turns (one masked), undo, branch, compare, reopen, export and replay the recipe', async ({ page, libraryStudio }, info) => {
    test.setTimeout(90_000);
    await openIndexedLibrary(page, libraryStudio);
    await page.getByLabel('Search the library').fill('a red square');
    const cells = page.getByTestId('grid').locator('[data-item-id]');
    await expect(cells.first()).toHaveAttribute('title', /red-square-\d\.png$/);
    await cells.first().click();
    await page.getByRole('complementary', { name: 'Details' }).getByRole('button', { name: 'Open in editor' }).click();
    await expect(turns(page)).toHaveCount(1);
    await expect(current(page)).toContainText('Original');
    await expect(page.getByTestId('mask-canvas')).toBeVisible();

    await page.getByLabel('Steps').fill('6');
    await page.getByLabel('Seed').fill('11');
    await page.getByText('Lock').click();
    await runTurn(page, 'make it green', 2);
    await expect(page.getByTestId('turn-timings')).toContainText('seed 11');
    await page.screenshot({ path: info.outputPath('edit-1.png') });

    // A masked turn: draw a rectangle over the middle of the picture.
    await page.getByRole('button', { name: 'Rectangle' }).click();
    const box = (await page.getByTestId('mask-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.35);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.65, { steps: 5 });
    await page.mouse.up();
    await expect(page.getByText('Only the masked part will change.')).toBeVisible(afterExport);
    // Clear is one undoable step: Undo brings the mask back, Redo clears it again, Ctrl+Z restores it once more.
    await page.getByRole('button', { name: 'Clear mask' }).click();
    await expect(page.getByText('No mask: the whole picture may change.')).toBeVisible();
    await page.getByRole('button', { name: 'Undo stroke' }).click();
    await expect(page.getByText('Only the masked part will change.')).toBeVisible(afterExport);
    await page.getByRole('button', { name: 'Redo stroke' }).click();
    await expect(page.getByText('No mask: the whole picture may change.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Clear mask' })).toBeDisabled();
    await page.keyboard.press('Control+z');
    await expect(page.getByText('Only the masked part will change.')).toBeVisible(afterExport);
    await page.screenshot({ path: info.outputPath('edit-mask.png') });
    await runTurn(page, 'blue', 3);
    await expect(current(page)).toContainText('mask');
    await expect(page.getByText('No mask: the whole picture may change.')).toBeVisible();
    // Hold to see the original; rename the project (Delete is tried on a project of its own below).
    await page.keyboard.down('\\');
    await expect(page.getByTestId('original-overlay')).toBeVisible();
    await page.keyboard.up('\\');
    await expect(page.getByTestId('original-overlay')).toBeHidden();
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.getByLabel('Project name').fill('red square study');
    await page.getByLabel('Project name').press('Enter');
    await expect(page.getByLabel('Project').locator('option:checked')).toContainText('red square study · 3 turns');
    await runTurn(page, 'make it yellow', 4);
    // A retry keeps the mask: re-running the masked turn starts from its parent with the same mask and words.
    await page.getByRole('button', { name: 'Turn actions for blue' }).click();
    await page.getByRole('menuitem', { name: 'Re-run with other settings' }).click();
    await expect(current(page)).toContainText('make it green');
    await expect(page.getByLabel('Instruction')).toHaveValue('blue');
    await expect(page.getByText('Only the masked part will change.')).toBeVisible();
    await expect(page.getByTestId('zoom')).toHaveText(/^\d+ %$/);
    await turns(page).filter({ hasText: 'make it yellow' }).locator('button.pick').click();
    await expect(page.getByText('No mask: the whole picture may change.')).toBeVisible();

    // Undo goes back one turn; editing from the original starts a second branch.
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect(current(page)).toContainText('blue');
    await turns(page).filter({ hasText: 'Original' }).locator('button.pick').click();
    await expect(current(page)).toContainText('Original');
    await runTurn(page, 'make it purple', 5);
    await page.getByRole('button', { name: 'Redo', exact: true }).isDisabled();

    // Compare the purple branch with the green turn.
    await page.getByRole('button', { name: 'Turn actions for make it green' }).click();
    await page.getByRole('menuitem', { name: 'Compare with current' }).click();
    await expect(page.getByTestId('compare')).toBeVisible();
    await page.getByLabel('Compare split').fill('30');
    await page.screenshot({ path: info.outputPath('edit-compare.png') });
    await page.getByRole('button', { name: 'Close compare' }).click();

    // Rename a turn from its menu.
    await page.getByRole('button', { name: 'Turn actions for make it yellow' }).click();
    await page.getByRole('menuitem', { name: 'Rename…' }).click();
    await page.getByLabel('Turn name').fill('sunny version');
    await page.getByLabel('Turn name').press('Enter');
    await expect(turns(page).filter({ hasText: 'sunny version' })).toHaveCount(1);

    // A reload reopens the last project by itself: same tree, same current turn.
    const projectId = await page.getByLabel('Project').inputValue();
    await page.reload();
    await page.getByRole('button', { name: 'Edit' }).click();
    await expect(page.getByLabel('Project')).toHaveValue(projectId);
    await expect(turns(page)).toHaveCount(5);
    await expect(current(page)).toContainText('make it purple');

    // Export: full size (the 300×240 original, not the 320×256 the model worked at), a name from the project and turn;
    // the recipe is a separate, optional download that replays the turn's pixels from the command line.
    await turns(page).filter({ hasText: 'blue' }).locator('button.pick').click();
    const downloads: import('@playwright/test').Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export' });
    await expect(dialog.getByLabel('Size')).toContainText('Full size · 300×240');
    await dialog.getByRole('button', { name: 'Export' }).click();
    await expect(dialog.getByRole('status')).toContainText('300×240 PNG');
    // The download event can arrive just after the status shows.
    await expect.poll(() => downloads.length).toBe(1);
    expect(downloads.map((d) => d.suggestedFilename())).toEqual(['red square study - blue.png']);
    const exported = await sharp(await readFile((await downloads[0]!.path())!)).metadata();
    expect([exported.width, exported.height, exported.format]).toEqual([300, 240, 'png']);

    await dialog.getByLabel('Format').selectOption('jpeg');
    await dialog.getByLabel('File name').fill('client proof');
    await dialog.getByText('Also download the recipe').click();
    await dialog.getByRole('button', { name: 'Export' }).click();
    await expect.poll(() => downloads.length).toBe(3);
    const byName = async (name: string) => readFile((await downloads.find((d) => d.suggestedFilename() === name)!.path())!);
    expect((await sharp(await byName('client proof.jpg')).metadata()).format).toBe('jpeg');
    const recipeBytes = await byName('client proof.recipe.json');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    const turnPng = Buffer.from(await (await page.request.get(libraryStudio.origin + (await current(page).locator('img').getAttribute('src'))!.replace(/\/[^/]*-thumb\.png$/, (m) => m.replace('-thumb', '')))).body());
    const recipe = JSON.parse(recipeBytes.toString('utf8'));
    expect(recipe.turns.map((t: { instruction: string }) => t.instruction)).toEqual(['make it green', 'blue']);
    const recipeFile = info.outputPath('recipe.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(recipeFile, recipeBytes);
    const out = info.outputPath('replayed.png');
    const replay = spawnSync(process.execPath, ['out/main/cli.js', 'replay', recipeFile, '--out', out, '--json', '--data-dir', libraryStudio.dataDir], {
      env: { ...process.env, STUDIO_MODELS_DIR: libraryStudio.modelsDir },
      encoding: 'utf8',
    });
    expect(replay.status, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ identical: true, matches: [true, true] });
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(await readFile(out))).toBe(sha(turnPng));
    await page.screenshot({ path: info.outputPath('edit-final.png') });

    await removeLibraryFolder(page, libraryStudio);
  });

  test('the turn type follows the project: a canvas paints from text, a photo is edited; a choice stays with its project', async ({ page, libraryStudio }) => {
    await page.goto(libraryStudio.url);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'New canvas' }).click();
    await expect(page.getByLabel('Turn type')).toHaveValue('text2img');
    const canvasId = await page.getByLabel('Project').inputValue();
    await page.locator('input[type="file"]').setInputFiles(`${libraryStudio.photos}/red-square-0.png`);
    await expect(page.getByLabel('Project')).not.toHaveValue(canvasId);
    await expect(current(page)).toContainText('Original');
    const photoId = await page.getByLabel('Project').inputValue();
    await expect(page.getByLabel('Turn type')).toHaveValue('auto');
    await page.getByLabel('Project').selectOption(canvasId);
    await expect(page.getByLabel('Turn type')).toHaveValue('text2img');
    // A choice made in one project does not leak into another.
    await page.getByLabel('Project').selectOption(photoId);
    await page.getByLabel('Turn type').selectOption('text2img');
    await page.getByLabel('Project').selectOption(canvasId);
    await page.getByLabel('Turn type').selectOption('auto');
    await page.getByLabel('Project').selectOption(photoId);
    await expect(page.getByLabel('Turn type')).toHaveValue('text2img');
    await page.getByLabel('Project').selectOption(canvasId);
    await expect(page.getByLabel('Turn type')).toHaveValue('auto');
    // Delete a project (after a confirmation); the next one opens.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page.getByLabel('Project').locator(`option[value="${canvasId}"]`)).toHaveCount(0);
    await expect(page.getByLabel('Project')).toHaveValue(photoId);
  });

  test('a new canvas painted from text', async ({ page, libraryStudio }) => {
    await page.goto(libraryStudio.url);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'New canvas' }).click();
    await expect(page.getByLabel('Turn type')).toHaveValue('text2img');
    await page.getByLabel('Steps').fill('4');
    await runTurn(page, 'a yellow canvas', 2);
    const src = await current(page).locator('img').getAttribute('src');
    const pixel = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url!;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return [...ctx.getImageData(img.width >> 1, img.height >> 1, 1, 1).data];
    }, src);
    // Yellow: strong red and green, little blue.
    expect(pixel[0]!).toBeGreaterThan(150);
    expect(pixel[1]!).toBeGreaterThan(150);
    expect(pixel[2]!).toBeLessThan(100);
  });
});
