import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = import.meta.dirname;

export default defineConfig({
  plugins: [svelte({ configFile: resolve(here, 'svelte.config.js') })],
  resolve: { alias: { '@contract': resolve(here, 'src-main/contract') } },
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts', 'models/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['models/vitest-global-setup.ts'],
    // Two cores: keep workers to what the machine has.
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});
