// Takes light and dark screenshots of every area for README (docs/screenshots/): at 1440×900 (NAME-THEME.png) and at
// 1024×700 (NAME-THEME-1024.png), the smallest window the studio is laid out for.
import { spawnSync } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';
import sharp from 'sharp';
import { CHROMIUM_ARGS, chromiumExecutable, startStudioServer } from './studio-server.mjs';

/** Photos added to the scene world: three with GPS for the map, one byte-identical copy for the duplicates view. */
const EXTRA_PHOTOS = 4;
const outDir = new URL('../docs/screenshots/', import.meta.url).pathname;
await mkdir(outDir, { recursive: true });
const server = await startStudioServer({ dataDir: await mkdtemp(join(tmpdir(), 'studio-shots-')) });
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
try {
  for (const [width, height, suffix] of [[1440, 900, ''], [1024, 700, '-1024']]) {
    for (const scheme of ['light', 'dark']) {
      const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
      const name = (area) => join(outDir, `${area}-${scheme}${suffix}.png`);
      await page.goto(server.url);
      await page.getByTestId('engine-status').waitFor();
      if (scheme === 'light' && suffix === '') {
        // A fresh studio opens with the first-run guide; once skipped it stays closed.
        const guide = page.getByRole('dialog', { name: 'Models for this machine' });
        await guide.getByTestId('guide-start').waitFor();
        await page.screenshot({ path: join(outDir, 'first-run-light.png') });
        await guide.getByRole('button', { name: 'Skip' }).click();
        await guide.waitFor({ state: 'hidden' });
        await page.waitForTimeout(300);
      }
      await page.screenshot({ path: name('library') });
      await page.getByRole('button', { name: 'Search' }).click();
      await page.screenshot({ path: name('search-empty') });
      await errorShot(page, name);
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.screenshot({ path: name('edit-empty') });
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByLabel('Size').selectOption('4096');
      await page.getByRole('button', { name: 'Run check' }).click();
      await page.locator('[data-state="running"]').waitFor();
      await page.waitForTimeout(1500);
      await page.screenshot({ path: name('settings') });
      await page.getByRole('button', { name: /^Cancel/ }).click();
      await page.getByTestId('active-jobs').waitFor({ state: 'hidden' });
      await page.keyboard.press('Escape');
      await page.getByRole('heading', { name: 'Models' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: name('models') });
      await page.close();
    }
  }
  await libraryShots();
  console.log(`Screenshots written to ${outDir}`);
} finally {
  await browser.close();
  await server.stop();
}

/** The Library with the synthetic world indexed by the scene-CLIP fixture, searched, with details open. */
async function libraryShots() {
  spawnSync(process.execPath, ['out/main/fixtures.js'], { stdio: 'ignore' });
  const scratch = await mkdtemp(join(tmpdir(), 'studio-shots-lib-'));
  await cp('models/fixtures/clip-scene', join(scratch, 'models', 'clip-vit-b32'), { recursive: true });
  for (const c of ['combiner', 'gated', 'compodiff']) await cp(`models/fixtures/composer-${c}`, join(scratch, 'models', `composer-${c}`), { recursive: true });
  const sd = { 'sd15-instruct-pix2pix': 'sd-tiny-instruct', 'sd15-inpaint': 'sd-tiny-inpaint', 'sd15-text2img': 'sd-tiny-text2img' };
  for (const [id, folder] of Object.entries(sd)) await cp(`models/fixtures/${folder}`, join(scratch, 'models', id), { recursive: true });
  await cp('models/fixtures/scene-world', join(scratch, 'photos'), { recursive: true });
  await addMapAndDuplicatePhotos(join(scratch, 'photos'));
  const studio = await startStudioServer({ dataDir: join(scratch, 'data'), env: { STUDIO_MODELS_DIR: join(scratch, 'models') } });
  try {
    let first = true;
    for (const [width, height, suffix] of [[1440, 900, ''], [1024, 700, '-1024']]) {
      for (const scheme of ['light', 'dark']) {
        const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
        const name = (area) => join(outDir, `${area}-${scheme}${suffix}.png`);
        await page.goto(studio.url);
        if (first) {
          await page.getByLabel('Folder to add').fill(join(scratch, 'photos'));
          await page.getByRole('button', { name: 'Add folder' }).click();
        }
        await page.getByTestId('library-summary').getByText(`${66 + EXTRA_PHOTOS} searchable`).waitFor({ timeout: 60_000 });
        if (first) await makeAlbum(page);
        await libraryViewShots(page, name);
        await page.getByLabel('Search the library').fill('a blue circle');
        await page.waitForTimeout(800);
        await page.getByTestId('grid').locator('[data-item-id]').first().click();
        await page.getByRole('complementary', { name: 'Details' }).waitFor();
        await page.waitForTimeout(300);
        await page.screenshot({ path: name('library-search') });
        await composeShot(page, name);
        await editShot(page, name);
        await variationsAndCropShots(page, name);
        await conceptShot(page, name, first);
        await page.getByRole('button', { name: 'Settings' }).click();
        await page.waitForTimeout(300);
        await page.screenshot({ path: name('settings-library') });
        await page.close();
        first = false;
      }
    }
  } finally {
    await studio.stop();
  }
}

/** Search → Compose: a red square from the library, "as a circle", not "blue", with a region boxed on the reference. */
async function composeShot(page, name) {
  await page.getByLabel('Search the library').fill('a red square');
  await page.waitForTimeout(800);
  await page.getByTestId('grid').locator('[data-item-id]').first().click();
  await page.getByRole('button', { name: 'Compose from this' }).click();
  await page.getByLabel('New condition').fill('as a circle');
  await page.getByLabel('New condition').press('Enter');
  await page.getByLabel('Negative text').fill('blue');
  await page.getByLabel('Negative text').press('Enter');
  const box = await page.getByTestId('region-canvas').boundingBox();
  await page.getByRole('button', { name: 'Box' }).click();
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.45);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.95, box.y + box.height * 0.95, { steps: 4 });
  await page.mouse.up();
  await page.getByText('Only the marked region may change').waitFor();
  await page.waitForTimeout(500);
  await page.getByTestId('grid').locator('[data-item-id]').first().click();
  await page.screenshot({ path: name('compose') });
}

/** Edit: the selected result opened in the editor, two turns (the second masked), the tree with a branch. */
async function editShot(page, name) {
  await page.getByRole('button', { name: 'Open in editor' }).click();
  const history = page.getByRole('navigation', { name: 'Turn history' });
  await history.getByText('Original').waitFor();
  await page.getByLabel('Steps').fill('8');
  for (const [instruction, masked] of [['make it orange', false], ['purple', true], ['make it teal blue', false]]) {
    if (masked) {
      await page.getByRole('button', { name: 'Brush' }).click();
      const box = await page.getByTestId('mask-canvas').boundingBox();
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.55, { steps: 8 });
      await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.7, { steps: 8 });
      await page.mouse.up();
    }
    const before = await history.locator('[data-turn-id]').count();
    await page.getByLabel('Instruction').fill(instruction);
    await page.getByLabel('Instruction').press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('[data-turn-id]').length > n, before);
    if (instruction === 'purple') {
      // Branch: go back one turn before the third.
      await page.getByRole('button', { name: 'Undo', exact: true }).click();
    }
  }
  await page.waitForTimeout(400);
  await page.screenshot({ path: name('edit') });
  await page.getByRole('button', { name: 'Export…' }).click();
  await page.getByRole('dialog', { name: 'Export' }).waitFor();
  await page.screenshot({ path: name('edit-export') });
  await page.keyboard.press('Escape');
}

/** Concepts: *sunny taught from three photos of the PerVL-style set (light: teach it; dark: the same card). */
async function conceptShot(page, name, teach) {
  await page.getByRole('button', { name: 'Concepts' }).click();
  if (teach) {
    const dir = 'models/fixtures/eval/pervl/images';
    await page.getByLabel('Concept photos').setInputFiles([0, 1, 2].map((i) => join(dir, `sunny-${i}.png`)));
    await page.getByLabel('Parent word').fill('circle');
    await page.getByLabel('Concept name').fill('sunny');
    await page.getByRole('button', { name: 'Teach *sunny' }).click();
  }
  await page.locator('[data-concept="sunny"]').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: name('concepts') });
}

/** Search → Compose with no model installed: the error notice with its action button. */
async function errorShot(page, name) {
  await page.getByLabel('New condition').fill('a red square');
  await page.getByLabel('New condition').press('Enter');
  await page.getByTestId('compose-summary').getByRole('alert').waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: name('error-notice') });
}


/** Three photos with GPS (Paris, Sydney, New York) for the map, and a byte-identical copy for the duplicates view. */
async function addMapAndDuplicatePhotos(dir) {
  const places = {
    'paris.jpg': ['#358', 'N', '48/1 51/1 2964/100', 'E', '2/1 17/1 4020/100'],
    'opera.jpg': ['#c84', 'S', '33/1 51/1 24/1', 'E', '151/1 12/1 54/1'],
    'new-york.jpg': ['#6a4', 'N', '40/1 41/1 21/1', 'W', '74/1 2/1 40/1'],
  };
  for (const [file, [background, latRef, lat, lonRef, lon]] of Object.entries(places)) {
    await writeFile(join(dir, file), await sharp({ create: { width: 96, height: 64, channels: 3, background } })
      .withExif({ IFD3: { GPSLatitudeRef: latRef, GPSLatitude: lat, GPSLongitudeRef: lonRef, GPSLongitude: lon } })
      .jpeg()
      .toBuffer());
  }
  await copyFile(join(dir, 'blue-square-1.png'), join(dir, 'blue square copy.png'));
}

/** Two blue squares and two red circles become the album “Client X”. */
async function makeAlbum(page) {
  const cells = page.getByTestId('grid').locator('[data-item-id]');
  for (const [query, pick] of [['a blue square', 'New album…'], ['a red circle', /Client X/]]) {
    await page.getByLabel('Search the library').fill(query);
    await page.waitForTimeout(800);
    await cells.nth(0).click();
    await cells.nth(1).click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Add to album…' }).click();
    await page.getByRole('menuitem', { name: pick }).click();
    if (pick === 'New album…') {
      const menu = page.getByRole('menu', { name: 'Add to album' });
      await menu.getByLabel('New album name').fill('Client X');
      await menu.getByRole('button', { name: 'Create' }).click();
    }
    await page.getByTestId('album-note').waitFor();
  }
  await page.getByLabel('Search the library').fill('');
}

/** Library: the album “Client X” picked in the sidebar, the Map of GPS photos, the duplicates view. */
async function libraryViewShots(page, name) {
  // Below 1200 px the sidebar (folders and albums) is folded away; the Folders button brings it back.
  const folded = !(await page.getByRole('region', { name: 'Albums' }).isVisible());
  const foldersButton = page.getByRole('button', { name: 'Folders', exact: true });
  if (folded) await foldersButton.click();
  await page.getByRole('region', { name: 'Albums' }).getByRole('button', { name: /^Client X/ }).click();
  await page.getByTestId('album-chip').waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: name('albums') });
  if (folded) await foldersButton.click();
  const clear = page.getByRole('button', { name: 'Clear selection' });
  if (await clear.isVisible()) await clear.click();
  await page.getByTestId('album-chip').getByRole('button').first().click();
  await page.getByTestId('album-chip').waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  await page.getByTestId('photo-map').locator('.map-marker').first().waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: name('map') });
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  await page.getByRole('button', { name: 'Duplicates', exact: true }).click();
  await page.getByTestId('duplicates').getByText('2 identical files').waitFor();
  await page.getByRole('button', { name: 'Find near-duplicates' }).click();
  await page.getByTestId('duplicates').getByText(/Near-identical \(\d+ groups\)/).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: name('duplicates') });
  await page.getByRole('button', { name: 'Duplicates', exact: true }).click();
}

/** Edit: two variations of one instruction side by side; then the crop tool at 1:1. */
async function variationsAndCropShots(page, name) {
  const history = page.getByRole('navigation', { name: 'Turn history' });
  const before = await history.locator('[data-turn-id]').count();
  await page.locator('select[aria-label="Variations"]').selectOption('2');
  await page.getByLabel('Instruction').fill('make it green');
  await page.getByLabel('Instruction').press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('[data-turn-id]').length >= n + 2, before);
  await page.getByTestId('variations').waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: name('edit-variations') });
  await page.getByTestId('variations').getByRole('button', { name: /^Variation 1/ }).click();
  await page.locator('select[aria-label="Variations"]').selectOption('1');
  await page.getByRole('button', { name: 'Crop', exact: true }).click();
  await page.getByTestId('crop-tool').waitFor();
  await page.getByRole('toolbar', { name: 'Crop' }).getByRole('button', { name: '1:1' }).click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: name('edit-crop') });
  await page.keyboard.press('Escape');
  await page.getByTestId('crop-tool').waitFor({ state: 'hidden' });
}
