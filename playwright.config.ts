import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './scripts/studio-server.mjs';

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium (CI and this kind of machine) or CHROMIUM_PATH; otherwise Playwright's own browser if installed.
      executablePath: chromiumExecutable(),
      args: CHROMIUM_ARGS,
    },
  },
});
