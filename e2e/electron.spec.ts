import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
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
});
