// Takes light and dark screenshots of the studio for README (docs/screenshots/).
import { mkdir, mkdtemp } from 'node:fs/promises';
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
  console.log(`Screenshots written to ${outDir}`);
} finally {
  await browser.close();
  await server.stop();
}
