// Takes light and dark screenshots of the studio for README (docs/screenshots/).
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
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
    await page.goto(server.url);
    await page.getByTestId('engine-status').waitFor();
    await page.screenshot({ path: join(outDir, `library-${scheme}.png`) });
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Size').selectOption('4096');
    await page.getByRole('button', { name: 'Run check' }).click();
    await page.locator('[data-state="running"]').waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(outDir, `settings-${scheme}.png`) });
    await page.getByRole('button', { name: /^Cancel/ }).click();
    await page.getByTestId('active-jobs').waitFor({ state: 'hidden' });
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Models' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(outDir, `models-${scheme}.png`) });
    await page.close();
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
  await cp('models/fixtures/scene-world', join(scratch, 'photos'), { recursive: true });
  const studio = await startStudioServer({ dataDir: join(scratch, 'data'), env: { STUDIO_MODELS_DIR: join(scratch, 'models') } });
  try {
    for (const scheme of ['light', 'dark']) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
      await page.goto(studio.url);
      if (scheme === 'light') {
        await page.getByLabel('Folder to add').fill(join(scratch, 'photos'));
        await page.getByRole('button', { name: 'Add folder' }).click();
      }
      await page.getByTestId('library-summary').getByText('66 searchable').waitFor();
      await page.getByLabel('Search the library').fill('a blue circle');
      await page.waitForTimeout(800);
      await page.getByTestId('grid').locator('[data-item-id]').first().click();
      await page.getByRole('complementary', { name: 'Details' }).waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(outDir, `library-search-${scheme}.png`) });
      await page.close();
    }
  } finally {
    await studio.stop();
  }
}
