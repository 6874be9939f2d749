import { expect, test } from './fixtures';

test.describe('studio in the browser (npm run serve)', () => {
  test('loads, shows engine info, and removes the token from the address bar', async ({ page, studio }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(studio.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await expect(page.getByTestId('engine-status')).toContainText('Engine ready');
    await expect(page.getByTestId('execution-provider')).toHaveText('Inference: CPU');
    expect(new URL(page.url()).search).toBe('');

    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByTestId('data-dir')).toHaveText(studio.dataDir);
    await expect(page.getByTestId('selected-provider')).toHaveText('CPU');
    await expect(page.getByText('No NVIDIA GPU driver found').first()).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('reloading keeps working through the cookie the token set', async ({ page, studio }) => {
    await page.goto(studio.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await page.reload();
    await expect(page.getByTestId('engine-status')).toContainText('Engine ready');
  });

  test('requests without the token are refused', async ({ request, studio }) => {
    const bare = await request.get(`${studio.origin}/`);
    expect(bare.status()).toBe(401);
    expect(await bare.text()).toContain('needs its access token');
    expect((await request.get(`${studio.origin}/?token=not-the-token`)).status()).toBe(401);
    expect((await request.get(`${studio.origin}/?token=${studio.token}`)).status()).toBe(200);
  });

  test('a WebSocket from another origin is refused even with the token', async ({ page, studio }) => {
    // A page on a different origin (about:blank is opaque) tries to open the studio's socket.
    await page.goto('about:blank');
    const outcome = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      `ws://127.0.0.1:${studio.port}/ws?token=${studio.token}`,
    );
    expect(outcome).toBe('refused');
  });

  test('areas switch by click and by keyboard', async ({ page, studio }) => {
    await page.goto(studio.url);
    await expect(page.getByRole('heading', { name: 'Add your photo folders' })).toBeVisible();
    await page.keyboard.press('Control+2');
    await expect(page.getByRole('region', { name: 'Reference image' })).toBeVisible();
    await expect(page.getByTestId('compose-summary')).toHaveText('Add a reference image, a text, or both.');
    await page.keyboard.press('Control+3');
    await expect(page.getByRole('heading', { name: 'Edit turn by turn' })).toBeVisible();
    await page.getByRole('button', { name: 'Concepts' }).click();
    await expect(page.getByRole('heading', { name: 'Teach a concept' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Concepts' })).toHaveAttribute('aria-current', 'page');
    await page.keyboard.press('Control+j');
    await expect(page.getByRole('complementary', { name: 'Jobs' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('complementary', { name: 'Jobs' })).toBeHidden();
  });

  test('a job shows live progress in the tray and can be cancelled', async ({ page, studio }) => {
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Size').selectOption('4096');
    await page.getByRole('button', { name: 'Run check' }).click();

    const tray = page.getByRole('complementary', { name: 'Jobs' });
    const row = tray.locator('[data-state="running"]');
    await expect(row).toBeVisible();
    await expect(page.getByTestId('active-jobs')).toHaveText('1');
    const bar = row.getByRole('progressbar');
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(row).toContainText(/MB\/s/);
    await expect(row).toContainText(/left/);

    await row.getByRole('button', { name: /Cancel/ }).click();
    await expect(tray.locator('[data-state="cancelled"]')).toBeVisible();
    await expect(page.getByTestId('active-jobs')).toBeHidden();
    await expect(page.getByText('The check was cancelled')).toBeVisible();
  });

  test('a finished job shows its result', async ({ page, studio }) => {
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Size').selectOption('64');
    await page.getByRole('button', { name: 'Run check' }).click();
    await expect(page.getByTestId('disk-check-result')).toContainText(/Passed: 64 MB written at [\d.]+ MB\/s/, { timeout: 30_000 });
  });
});
