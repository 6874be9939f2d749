import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import manifestJson from '../../../models/manifest.json';
import { fixturePaths } from '../../../models/fixtures';
import { parseManifest } from '../models/manifest';
import { ModelStore } from '../models/model-store';
import { SessionPool } from '../models/session-pool';
import { ClipProvider } from './clip-provider';

it('gets a CLIP model once per folder, null when not installed; require says how to install it', async () => {
  const modelsDir = await mkdtemp(join(tmpdir(), 'studio-clip-provider-'));
  const store = new ModelStore({ manifest: parseManifest(manifestJson), modelsDir });
  const clip = new ClipProvider({ models: () => store, pool: new SessionPool({ providers: ['cpu'], intraOpThreads: 1 }), libraryKey: () => 'clip-vit-b32' });
  expect(await clip.get()).toBeNull();
  await expect(clip.require()).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringContaining('CLIP ViT-B/32 is not installed') });

  await cp(fixturePaths().sceneClip, join(modelsDir, 'clip-vit-b32'), { recursive: true });
  const first = await clip.require();
  expect(await clip.get('clip-vit-b32')).toBe(first);
  expect(await clip.get('clip-vit-b32@fp32')).toBe(first);

  await rm(join(modelsDir, 'clip-vit-b32'), { recursive: true });
  expect(await clip.get()).toBeNull();
});
