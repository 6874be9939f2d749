import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { fixturePaths } from '../models/fixtures';
import { electronBinary } from '../scripts/electron-binary.mjs';

const binary: { path: string | null; why: string } = electronBinary();
const skipReason = `${binary.why}. Install with network access to download Electron (npm run setup) to run this spec.`;
if (!binary.path) console.log(`[electron spec] skipped: ${skipReason}`);

test.describe('studio in Electron', () => {
  test.skip(!binary.path, skipReason);

  test('opens a locked-down window that talks to the engine over IPC', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'studio-electron-'));
    const app = await electron.launch({ executablePath: binary.path!, args: ['out/main/app.js', '--data-dir', dataDir] });
    try {
      const page = await app.firstWindow();
      await expect(page.getByTestId('engine-status')).toContainText('Engine ready');
      await expect(page.getByText('Desktop')).toBeVisible();
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0]!.webContents;
        return (wc as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
      });
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      await page.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('https://example.com'));
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  // The engine runs inside Electron's main process: this proves its database module is the Electron build (setup's
  // side-by-side better-sqlite3) by writing the library, closing, and reading it back in a second launch.
  test('its engine writes the library and reads it back after a restart', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'studio-electron-lib-'));
    const photos = join(scratch, 'photos');
    await cp(fixturePaths().world, photos, { recursive: true });
    // The first-run guide is another spec's subject: mark it done so the window opens on the Library.
    await mkdir(join(scratch, 'data'), { recursive: true });
    await writeFile(join(scratch, 'data', 'settings.json'), JSON.stringify({ firstRunDone: true }));
    const launch = () => electron.launch({ executablePath: binary.path!, args: ['out/main/app.js', '--data-dir', join(scratch, 'data')] });
    type Bridge = { studioBridge: { call(frame: unknown): Promise<{ ok: boolean; result?: unknown; error?: unknown }> } };
    const call = (page: import('@playwright/test').Page, method: string, params?: unknown) =>
      page.evaluate(([m, p]) => (globalThis as unknown as Bridge).studioBridge.call({ id: 1, method: m, params: p }), [method, params] as const);

    let app = await launch();
    try {
      const page = await app.firstWindow();
      await expect(page.getByTestId('engine-status')).toContainText('Engine ready');
      expect(await call(page, 'library.roots.add', { path: photos })).toMatchObject({ ok: true });
      await expect.poll(async () => ((await call(page, 'library.status')).result as { indexed: number }).indexed, { timeout: 60_000 }).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
    app = await launch();
    try {
      const page = await app.firstWindow();
      const roots = (await call(page, 'library.roots.list')).result as { path: string }[];
      expect(roots.map((r) => r.path)).toEqual([photos]);
      expect(((await call(page, 'library.status')).result as { indexed: number }).indexed).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });

  // The desktop-only actions: Browse… opens the system's folder picker, Show in folder the file manager. Both system
  // dialogs are replaced in the main process (they would block the test), recording what they were asked.
  test('Browse… fills the folder field from the picker; Show in folder reveals the photo', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'studio-electron-desktop-'));
    const photos = join(scratch, 'photos');
    await cp(fixturePaths().world, photos, { recursive: true });
    await mkdir(join(scratch, 'data'), { recursive: true });
    await writeFile(join(scratch, 'data', 'settings.json'), JSON.stringify({ firstRunDone: true }));
    const app = await electron.launch({ executablePath: binary.path!, args: ['out/main/app.js', '--data-dir', join(scratch, 'data')] });
    try {
      await app.evaluate(({ dialog, shell }, folder) => {
        const record = globalThis as unknown as { revealed: string[] };
        record.revealed = [];
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [folder] })) as typeof dialog.showOpenDialog;
        shell.showItemInFolder = (path: string) => void record.revealed.push(path);
      }, photos);
      const page = await app.firstWindow();
      await expect(page.getByTestId('engine-status')).toContainText('Engine ready');
      await page.getByRole('button', { name: 'Browse…' }).first().click();
      await expect(page.getByLabel('Folder to add')).toHaveValue(photos);
      await page.getByRole('button', { name: 'Add folder' }).click();
      await expect(page.getByTestId('library-summary')).toContainText('photos', { timeout: 60_000 });
      const cell = page.getByTestId('grid').locator('[data-item-id]').first();
      const path = await cell.getAttribute('title');
      await cell.click();
      await page.getByRole('complementary', { name: 'Details' }).getByRole('button', { name: 'Show in folder' }).click();
      await expect.poll(() => app.evaluate(() => (globalThis as unknown as { revealed: string[] }).revealed)).toEqual([path]);
    } finally {
      await app.close();
    }
  });
});
