import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileUrl, loadManifest, parseManifest } from './manifest';

const shipped = join(process.cwd(), 'models', 'manifest.json');

describe('model manifest', () => {
  it('the shipped manifest is valid and has the default set', async () => {
    const manifest = await loadManifest(shipped);
    const byTask = (task: string) => manifest.models.filter((m) => m.task === task).map((m) => m.id);
    expect(manifest.models.filter((m) => m.default).map((m) => m.id)).toEqual(['clip-vit-b32']);
    expect(byTask('clip')).toEqual(['clip-vit-b32', 'clip-vit-l14']);
    expect(byTask('sd-instruct-edit')).toHaveLength(1);
    expect(byTask('sd-inpaint')).toHaveLength(1);
    const clip = manifest.models[0]!;
    expect(clip.files.map((f) => f.path)).toEqual(expect.arrayContaining(['onnx/vision_model.onnx', 'onnx/text_model.onnx', 'tokenizer.json']));
    for (const model of manifest.models) expect(model.download !== null || typeof model.export === 'string').toBe(true);
  });

  it('builds Hugging Face style URLs under any mirror', async () => {
    const manifest = await loadManifest(shipped);
    const clip = manifest.models[0]!;
    expect(fileUrl('https://mirror.example/hf/', clip, clip.files[0]!)).toBe(
      'https://mirror.example/hf/Xenova/clip-vit-base-patch32/resolve/main/onnx/vision_model.onnx',
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
          download: { repo: 'a/b', revision: 'main' },
          files: [{ path: 'onnx/x.onnx', role: 'vision', approxBytes: 1, sha256: null, bytes: null }],
          ...over,
        },
      ],
    });
    expect(() => parseManifest(model({ files: [{ path: '../../etc/passwd', role: 'x', approxBytes: 1, sha256: null, bytes: null }] }))).toThrow(
      /relative path inside the model folder/,
    );
    expect(() => parseManifest(model({ files: [{ path: 'a', role: 'x', approxBytes: 1, sha256: 'xyz', bytes: null }] }))).toThrow(/invalid/);
    const twice = model({});
    twice.models.push(twice.models[0]!);
    expect(() => parseManifest(twice)).toThrow(/lists “m” twice/);
  });
});
