import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import { startStudioServer } from '../scripts/studio-server.mjs';

export interface Studio {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  origin: string;
}

/** Each test file gets its own headless studio (`npm run serve` entry) with a throwaway data dir. */
export const test = base.extend<object, { studio: Studio }>({
  studio: [
    async ({}, use) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'studio-e2e-'));
      const server = await startStudioServer({ dataDir });
      await use({ ...server, origin: `http://127.0.0.1:${server.port}` });
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
