import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { loadManifest } from './manifest';
import { ModelStore } from './model-store';
import { recommend } from './recommend';

const GB = 1e9;
const store = async (provider = 'cpu') =>
  new ModelStore({ manifest: await loadManifest(join(process.cwd(), 'models', 'manifest.json')), modelsDir: await mkdtemp(join(tmpdir(), 'studio-rec-')), provider: () => provider });
const pick = (r: ReturnType<typeof recommend>) => r.items.map((i) => [i.id, i.variant, i.selected]);

describe('first-run recommendation', () => {
  it('a GPU laptop: MobileCLIP-S2 and SD 1.5 in fp16, and says instruction editing needs an export', async () => {
    const r = recommend(await store('cuda'), { provider: 'cuda', cpus: 8, ramBytes: 16 * GB, freeDiskBytes: 100 * GB });
    expect(pick(r)).toEqual([
      ['mobileclip-s2', 'fp16', true],
      ['sd15-text2img', 'fp16', true],
    ]);
    expect(r.items[0]!.approxBytes).toBeLessThan(300e6);
    expect(r.notes.join(' ')).toContain('export it once');
  });

  it('a CPU: CLIP ViT-B/32 in 8-bit, with an estimate that says so; SD fp32 ticked only with 16 GB of memory', async () => {
    const big = recommend(await store(), { provider: 'cpu', cpus: 4, ramBytes: 32 * GB, freeDiskBytes: 100 * GB });
    expect(pick(big)).toEqual([
      ['clip-vit-b32', 'int8', true],
      ['sd15-text2img-fp32', 'fp32', true],
    ]);
    expect(big.items[0]!.speed).toBe('about 76 photos/s on 4 cores (estimate)');
    const small = recommend(await store(), { provider: 'cpu', cpus: 2, ramBytes: 8 * GB, freeDiskBytes: 100 * GB });
    expect(pick(small)).toEqual([
      ['clip-vit-b32', 'int8', true],
      ['sd15-text2img-fp32', 'fp32', false],
    ]);
    const tiny = recommend(await store(), { provider: 'cpu', cpus: 2, ramBytes: 4 * GB, freeDiskBytes: 100 * GB });
    expect(pick(tiny)[0]).toEqual(['mobileclip-s0', 'int8', true]);
  });

  it('leaves unticked what does not fit the free disk, and drops what is installed', async () => {
    const s = await store();
    const full = recommend(s, { provider: 'cpu', cpus: 2, ramBytes: 32 * GB, freeDiskBytes: 2 * GB });
    expect(pick(full)).toEqual([
      ['clip-vit-b32', 'int8', true],
      ['sd15-text2img-fp32', 'fp32', false],
    ]);
    expect(full.items[1]!.why).toContain('GB free on the disk');
    await cp(fixturePaths().sceneClip, join(s.modelsDir, 'clip-vit-b32'), { recursive: true });
    expect(recommend(s, { provider: 'cpu', cpus: 2, ramBytes: 32 * GB, freeDiskBytes: 100 * GB }).items.map((i) => i.id)).toEqual(['sd15-text2img-fp32']);
  });
});
