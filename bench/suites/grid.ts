/// <reference lib="dom" />
// (The function given to page.evaluate runs in the browser.)
import { rm } from 'node:fs/promises';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, chromiumExecutable, startStudioServer } from '../../scripts/studio-server.mjs';
import { syntheticLibrary } from './cold-start';
import type { Figure } from './figure';

/**
 * The Library grid on a 100k-photo library in headless Chromium: scroll far and fast, page after page, and measure frame
 * times — does the virtualized grid stay smooth, and how far does it get.
 */
export async function gridScroll(log: (l: string) => void, count = 100_000): Promise<Figure[]> {
  const dataDir = await syntheticLibrary(count, log);
  const server = await startStudioServer({ dataDir });
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.getByTestId('grid').waitFor();
    const result = await page.evaluate(async () => {
      const grid = document.querySelector('[data-testid="grid"]') as HTMLElement;
      const frames: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 600; i++) {
        await new Promise(requestAnimationFrame);
        const now = performance.now();
        frames.push(now - last);
        last = now;
        grid.scrollTop += 600;
      }
      frames.sort((a, b) => a - b);
      const at = (q: number) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))]!;
      return { p50: at(0.5), p95: at(0.95), p99: at(0.99), cells: grid.querySelectorAll('[data-item-id]').length, scrolled: grid.scrollTop };
    });
    const rows = Math.round(result.scrolled / 180);
    return [
      { name: `Library grid, ${count / 1000}k library: frame time p95 while scrolling 600 frames (headless Chromium)`, value: Math.round(result.p95 * 10) / 10, unit: 'ms', target: '≤ 16.7 (60 fps)' },
      { name: 'Library grid: frame time p99', value: Math.round(result.p99 * 10) / 10, unit: 'ms' },
      { name: 'Library grid: cells in the DOM while scrolled', value: result.cells, unit: '', note: `${rows} rows scrolled, pages loaded on the way` },
    ];
  } finally {
    await browser.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
