import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { fileUrl, filesOf, loadManifest, parseManifest, variantsOf } from './manifest';

const shipped = join(process.cwd(), 'models', 'manifest.json');

describe('model manifest', () => {
  it('the shipped manifest is valid and has the default set', async () => {
    const manifest = await loadManifest(shipped);
    const byTask = (task: string) => manifest.models.filter((m) => m.task === task).map((m) => m.id);
    expect(manifest.models.filter((m) => m.default).map((m) => m.id)).toEqual(['clip-vit-b32']);
    expect(byTask('clip')).toEqual(['clip-vit-b32', 'clip-vit-l14', 'mobileclip-s2', 'mobileclip-s0']);
    expect(byTask('sd-instruct-edit')).toHaveLength(1);
    expect(byTask('sd-inpaint')).toHaveLength(1);
    const clip = manifest.models[0]!;
    expect(clip.files.map((f) => f.path)).toEqual(expect.arrayContaining(['onnx/vision_model.onnx', 'onnx/text_model.onnx', 'tokenizer.json']));
    for (const model of manifest.models) expect(model.download !== null || typeof model.export === 'string').toBe(true);
  });

  it('pins every download to a full commit and carries every SHA-256 the model catalog lists', async () => {
    const manifest = await loadManifest(shipped);
    for (const model of manifest.models.filter((m) => m.download)) {
      expect(model.download!.revision, model.id).toMatch(/^[0-9a-f]{40}$/);
      expect(model.why, model.id).toBeTruthy();
    }
    // What models/README.md's table promises: these come with one click, and these only by export (with the reason).
    const downloadable = manifest.models.filter((m) => m.download).map((m) => m.id);
    expect(downloadable).toEqual(['clip-vit-b32', 'clip-vit-l14', 'mobileclip-s2', 'mobileclip-s0', 'sd15-text2img', 'sd15-text2img-fp32', 'lcm-dreamshaper-v7']);
    for (const id of ['sd15-instruct-pix2pix', 'sd15-inpaint']) expect(manifest.models.find((m) => m.id === id)!.unpinned?.reason).toBeTruthy();

    const catalog = JSON.parse(await readFile(join(process.cwd(), '..', '..', 'shared', 'data', 'model-catalog', 'catalog.json'), 'utf8').catch(() => 'null'));
    const pinned = new Set(manifest.models.flatMap((m) => m.files.map((f) => f.sha256)).filter(Boolean));
    // The hashes of the repositories the manifest uses (siblings' and unchosen candidates' aside).
    const used = [
      'fd6e1402a588279d1723c7534d4bcba5bc0b14b47dfab0e46f8c47b8270d7d40', '35c4e0fb0aeee527dcde1693520b214a34424a786babd530f35366bad5844efd',
      'df587ffbf248bf20d44fa6e16adc5ebc27ead691860e5333dbdaab5fd6bf3f6e', '73baab855d406190da9faa498cfedf65f15cf309f4cc7385b7b032e6d08e5c3a',
      '6e6b9e280b73bdc432b6c3b1c05f33596bbe5570f6825f1174eaa207fc1d22dc', 'd28b92d7a3a6ba99bd000cce5c91678c0e279dc934c887a3785908a811872a6c',
      'ff82e945c6c652c51df687e10f102a8e43c87d37c9108ff692468be3732f3710', '0d6655b77515c4f1ccb8a4ab34ad312ead6d0e12fa68d00e327a1fe2637b4195',
      'f8aaa97cf17fbadd78b0bd6d5f6a1c57f712402cacc3055ea92c1a3331357dfe', '17d3c037b1d488c10c50e09f6009ea5a198caef4e0e8f4ea5617b7cb2d067ac0',
      '6f3af89ca1872e80c10f05d91bbc01eff81f1d340812942da13afa713def543c', 'edee863540d0362d432cc41c4812069bc55c6b3ca9488052a538c8b753c64b84',
      'ef99ccc336de0e79f247fcb3d1398b3f3d1a02796916b88a351d7a83f570a31a',
    ];
    for (const sha of used) expect(pinned.has(sha), sha).toBe(true);
    if (catalog) {
      // Every hash the catalog lists for a file path the manifest downloads from that repository is pinned.
      for (const entry of catalog.models as { repo?: string; files?: { path: string; sha256: string | null }[] }[]) {
        const model = manifest.models.find((m) => m.download?.repo === entry.repo);
        for (const file of entry.files ?? []) {
          if (model && file.sha256 && model.files.some((f) => f.path === file.path)) expect(pinned.has(file.sha256), `${entry.repo} ${file.path}`).toBe(true);
        }
      }
    }
  });

  it('lists fp32, fp16 and 8-bit files as variants', async () => {
    const manifest = await loadManifest(shipped);
    const b32 = manifest.models.find((m) => m.id === 'clip-vit-b32')!;
    expect(variantsOf(b32)).toEqual(['fp32', 'fp16', 'int8']);
    expect(filesOf(b32, 'int8').map((f) => f.path)).toEqual(expect.arrayContaining(['onnx/vision_model_quantized.onnx', 'onnx/text_model_quantized.onnx', 'tokenizer.json']));
    expect(filesOf(b32, 'int8').map((f) => f.path)).not.toContain('onnx/vision_model.onnx');
    const s0 = manifest.models.find((m) => m.id === 'mobileclip-s0')!;
    expect(filesOf(s0, 'int8').map((f) => f.path)).toEqual(expect.arrayContaining(['onnx/vision_model.onnx', 'onnx/text_model_int8.onnx']));
    expect(manifest.models.find((m) => m.id === 'sd15-text2img-fp32')!.variantOf).toBe('sd15-text2img');
  });

  it('builds Hugging Face style URLs under any mirror', async () => {
    const manifest = await loadManifest(shipped);
    const clip = manifest.models[0]!;
    expect(fileUrl('https://mirror.example/hf/', clip, clip.files[0]!)).toBe(
      'https://mirror.example/hf/Xenova/clip-vit-base-patch32/resolve/4c1807b705b1d015fb032789cc4d221b23025a6f/onnx/vision_model.onnx',
    );
    const pix2pix = manifest.models.find((m) => m.task === 'sd-instruct-edit')!;
    expect(fileUrl('https://huggingface.co', pix2pix, pix2pix.files[0]!)).toBeNull();
  });

  it('refuses paths that escape the model folder, bad hashes and duplicate ids', () => {
    const model = (over: object) => ({
      version: 1,
      defaultMirror: 'https://h.example',
      models: [
        {
          id: 'm',
          task: 'clip',
          title: 't',
          description: 'd',
          licence: 'MIT',
          source: 'https://h.example/m',
          default: true,
          precision: 'fp32',
          download: { repo: 'a/b', revision: 'a'.repeat(40) },
          files: [{ path: 'onnx/x.onnx', role: 'vision', approxBytes: 1, sha256: null, bytes: null }],
          ...over,
        },
      ],
    });
    expect(() => parseManifest(model({ files: [{ path: '../../etc/passwd', role: 'x', approxBytes: 1, sha256: null, bytes: null }] }))).toThrow(
      /relative path inside the model folder/,
    );
    expect(() => parseManifest(model({ files: [{ path: 'a', role: 'x', approxBytes: 1, sha256: 'xyz', bytes: null }] }))).toThrow(/invalid/);
    expect(() => parseManifest(model({ download: { repo: 'a/b', revision: 'main' } }))).toThrow(/full 40-hex commit/);
    expect(() => parseManifest(model({ variantOf: 'ghost' }))).toThrow(/variant of unknown/);
    const twice = model({});
    twice.models.push(twice.models[0]!);
    expect(() => parseManifest(twice)).toThrow(/lists “m” twice/);
  });
});
