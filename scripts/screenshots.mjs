// Takes light and dark screenshots of every area for README (docs/screenshots/): at 1440×900 (NAME-THEME.png) and at
// 1024×700 (NAME-THEME-1024.png), the smallest window the studio is laid out for.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, chromiumExecutable, startStudioServer } from './studio-server.mjs';

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
        await page.getByTestId('library-summary').getByText('66 searchable').waitFor();
        await page.getByLabel('Search the library').fill('a blue circle');
        await page.waitForTimeout(800);
        await page.getByTestId('grid').locator('[data-item-id]').first().click();
        await page.getByRole('complementary', { name: 'Details' }).waitFor();
        await page.waitForTimeout(300);
        await page.screenshot({ path: name('library-search') });
        await composeShot(page, name);
        await editShot(page, name);
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
