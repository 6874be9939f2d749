import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test as base } from '@playwright/test';
import { fixturePaths } from '../models/fixtures';
import { startStudioServer } from '../scripts/studio-server.mjs';
import { startModelMirror } from '../models/model-mirror';
import { pinToFixtures, xenovaClipLayout } from '../models/repo-layouts';

export interface Studio {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  origin: string;
}

export interface LibraryStudio extends Studio {
  /** A folder of photos (the synthetic scene world) not yet in the library. */
  photos: string;
  /** Its models folder (scene CLIP, composers and tiny Stable Diffusion parts under the manifest's ids). */
  modelsDir: string;
  /** The freedesktop Trash this studio moves files to (HOME and XDG_DATA_HOME point into the scratch folder). */
  trash: string;
}

/** A studio on a fresh data dir; the first-run guide is marked done unless `firstRun` (the guide's own test). */
async function withStudio(env: Record<string, string>, use: (studio: Studio) => Promise<void>, firstRun = false): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'studio-e2e-'));
  if (!firstRun) await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ firstRunDone: true }));
  const server = await startStudioServer({ dataDir, env });
  await use({ ...server, origin: `http://127.0.0.1:${server.port}` });
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * `studio`: a headless studio (the `npm run serve` entry) with a throwaway data dir.
 * `mirroredStudio`: the same, downloading models from a loopback mirror (withMirror); `firstRunStudio`: that, with the
 * first-run guide not yet done.
 */
/**
 * A studio downloading from a loopback mirror that serves the scene-CLIP fixture laid out like the real CLIP ViT-B/32
 * repository (every variant's file names) at the manifest's pinned commit, with a manifest whose pinned hashes are the
 * fixture's, so verification runs as with real weights.
 */
async function withMirror(firstRun: boolean, use: (studio: Studio) => Promise<void>): Promise<void> {
  const repo = await mkdtemp(join(tmpdir(), 'studio-e2e-repo-'));
  await xenovaClipLayout(fixturePaths().sceneClip, repo);
  const manifest = JSON.parse(readFileSync(join(process.cwd(), 'models', 'manifest.json'), 'utf8')) as Parameters<typeof pinToFixtures>[0];
  const b32 = manifest.models.find((m) => m.id === 'clip-vit-b32')!.download!;
  const pinnedManifest = join(repo, '..', `${basename(repo)}-manifest.json`);
  await writeFile(pinnedManifest, JSON.stringify(await pinToFixtures(manifest, { 'clip-vit-b32': repo })));
  const mirror = await startModelMirror([{ repo: b32.repo, revision: b32.revision, folder: repo }], { chunkDelayMs: 15 });
  await withStudio({ STUDIO_MODEL_MIRROR: mirror.url, STUDIO_MODEL_MANIFEST: pinnedManifest }, use, firstRun);
  await mirror.close();
  await rm(repo, { recursive: true, force: true });
  await rm(pinnedManifest, { force: true });
}

export const test = base.extend<object, { studio: Studio; mirroredStudio: Studio; firstRunStudio: Studio; libraryStudio: LibraryStudio }>({
  studio: [async ({}, use) => withStudio({}, use), { scope: 'worker' }],
  // A studio whose models folder holds the fixtures under the real models' ids (scene CLIP, composers, tiny SD), and a photo folder to add.
  libraryStudio: [
    async ({}, use) => {
      const scratch = await mkdtemp(join(tmpdir(), 'studio-e2e-lib-'));
      const paths = fixturePaths();
      await mkdir(join(scratch, 'models'));
      await cp(paths.sceneClip, join(scratch, 'models', 'clip-vit-b32'), { recursive: true });
      for (const [id, folder] of Object.entries(paths.composers)) await cp(folder, join(scratch, 'models', `composer-${id}`), { recursive: true });
      const sd = { 'sd15-instruct-pix2pix': paths.sd.instruct, 'sd15-inpaint': paths.sd.inpaint, 'sd15-text2img': paths.sd.text2img };
      for (const [id, folder] of Object.entries(sd)) await cp(folder, join(scratch, 'models', id), { recursive: true });
      await cp(paths.world, join(scratch, 'photos'), { recursive: true });
      // Resolving duplicates moves files to the system trash: keep it in the scratch folder, never the real one.
      await mkdir(join(scratch, 'home'));
      const env = { STUDIO_MODELS_DIR: join(scratch, 'models'), HOME: join(scratch, 'home'), XDG_DATA_HOME: join(scratch, 'xdg-data') };
      const trash = join(scratch, 'xdg-data', 'Trash');
      await withStudio(env, (studio) => use({ ...studio, photos: join(scratch, 'photos'), modelsDir: join(scratch, 'models'), trash }));
      await rm(scratch, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  mirroredStudio: [async ({}, use) => withMirror(false, use), { scope: 'worker' }],
  firstRunStudio: [async ({}, use) => withMirror(true, use), { scope: 'worker' }],
});

export { expect } from '@playwright/test';
