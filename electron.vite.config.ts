import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = import.meta.dirname;
const contractAlias = { '@contract': resolve(here, 'src-main/contract') };

export default defineConfig({
  main: {
    resolve: { alias: contractAlias },
    build: {
      // Dependencies stay in node_modules; so does Playwright, which only the benchmark uses. zod is bundled: every
      // command builds the contract's schemas at startup, and loading zod's hundreds of ESM files one by one cost a
      // cold start 50–90 ms (bench cold-start, alternating builds); bundled, only the parts the contract uses remain.
      externalizeDeps: { include: ['playwright'], exclude: ['zod'] },
      rolldownOptions: {
        input: {
          // Electron's main process (the only entry that imports electron).
          app: resolve(here, 'src-main/app/main.ts'),
          // Headless studio: engine + loopback HTTP/WebSocket host.
          serve: resolve(here, 'src-main/host/serve-launch.ts'),
          // Command-line tools over the same engine.
          cli: resolve(here, 'src-main/cli/launch.ts'),
          // Benchmarks over the same engine and hosts (npm run bench).
          bench: resolve(here, 'bench/run.ts'),
          // Fixture models and the synthetic scene world (npm run fixtures).
          fixtures: resolve(here, 'models/generate-fixtures.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias: contractAlias },
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve(here, 'src-main/preload/index.ts') },
        // Sandboxed preload scripts must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(here, 'src-renderer'),
    resolve: { alias: contractAlias },
    plugins: [svelte({ configFile: resolve(here, 'svelte.config.js') })],
    build: {
      outDir: resolve(here, 'out/renderer'),
      rolldownOptions: { input: resolve(here, 'src-renderer/index.html') },
    },
  },
});
