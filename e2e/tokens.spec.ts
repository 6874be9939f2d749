import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { openIndexedLibrary } from './library-helpers';
import type { Page } from '@playwright/test';

const count = (page: Page, field: string) => page.locator(`[data-testid="token-count"][data-field="${field}"]`);

const LONG = 'a red circle '.repeat(30).trim(); // 90 tokens: 15 past the limit

test.describe('prompt length', () => {
  test('npm run cli -- tokens prints ids, tokens and the count against 75', async () => {
    const data = await mkdtemp(join(tmpdir(), 'studio-tokens-cli-'));
    const run = (...args: string[]) => spawnSync(process.execPath, ['out/main/cli.js', 'tokens', ...args, '--data-dir', data], { encoding: 'utf8' });
    const short = run('a photo of a cat', '--json');
    expect(short.status, short.stderr).toBe(0);
    expect(JSON.parse(short.stdout)).toMatchObject({ ids: [49406, 320, 1125, 539, 320, 2368, 49407], count: 5, limit: 75, dropped: [], tokenizer: 'bundled' });
    const long = JSON.parse(run(LONG, '--json').stdout);
    expect(long).toMatchObject({ count: 90, limit: 75 });
    expect(long.ids).toHaveLength(77);
    expect(long.dropped).toHaveLength(15);
    const text = run(LONG, '--model', 'sd15-instruct-pix2pix');
    expect(text.stdout).toMatch(/^90\/75 tokens \(sd15-instruct-pix2pix, bundled CLIP tokenizer\)/);
    expect(text.stdout).toMatch(/Warning: 15 tokens past the limit are cut/);
    const unknown = run('x', '--model', 'no-such-model');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/NOT_FOUND/);
  });

  test('search, compose and concept fields count tokens and warn past the limit', async ({ page, studio }, info) => {
    await page.goto(studio.url);
    const search = page.getByLabel('Search the library');
    await search.fill('a photo of a cat');
    await expect(count(page, 'search')).toHaveText('5/75');
    await expect(count(page, 'search')).toHaveAttribute('aria-label', '5 of 75 tokens');
    await search.fill(LONG);
    const over = count(page, 'search');
    await expect(over).toHaveText('90/75 · 15 ignored');
    await expect(over).toHaveAttribute('title', /these 15 are ignored: a red circle a red circle/);
    await expect(over).toHaveClass(/over/);
    await page.screenshot({ path: info.outputPath('library-tokens.png') });

    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel('New condition').fill('as a circle &amp; bigger');
    await expect(count(page, 'condition')).toHaveText('5/75'); // "&amp;" counts as "&", as CLIP reads it
    await page.screenshot({ path: info.outputPath('compose-tokens.png') });

    await page.getByRole('button', { name: 'Concepts' }).click();
    await page.getByLabel('Parent word').fill('coffee mug');
    await expect(count(page, 'parent')).toHaveText('2/75');
  });
});

test('the Edit instruction counts tokens for the editing model and warns past the limit', async ({ page, libraryStudio }, info) => {
  test.setTimeout(60_000);
  await openIndexedLibrary(page, libraryStudio);
  await page.getByTestId('grid').locator('[data-item-id]').first().click();
  await page.getByRole('complementary', { name: 'Details' }).getByRole('button', { name: 'Open in editor' }).click();
  await page.getByLabel('Instruction').fill('make the sofa green');
  await expect(count(page, 'instruction')).toHaveText('4/75');
  await page.getByLabel('Instruction').fill(LONG);
  await expect(count(page, 'instruction')).toHaveText('90/75 · 15 ignored');
  await page.getByLabel('Negative text').fill('blurry');
  await expect(count(page, 'edit-negative')).toHaveText('1/75');
  await page.screenshot({ path: info.outputPath('edit-tokens.png') });
});
