import { existsSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { quantizeModelFolder } from './quantize-folder';

describe('quantizeModelFolder', () => {
  it('writes onnx/<name>_quantized.onnx beside each fp32 model, loadable with the same inputs and outputs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-quantize-'));
    await cp(fixturePaths().sceneClip, dir, { recursive: true });
    const files = await quantizeModelFolder(dir);
    expect(files.map((f) => f.file)).toEqual([join(dir, 'onnx', 'text_model_quantized.onnx'), join(dir, 'onnx', 'vision_model_quantized.onnx')]);
    for (const f of files) expect(f.quantized).toBeGreaterThan(0);
    const session = await ort.InferenceSession.create(join(dir, 'onnx', 'vision_model_quantized.onnx'));
    expect(session.inputNames).toEqual(['pixel_values']);
    expect(session.outputNames).toContain('image_embeds');
    await session.release();
    // Variants are never quantized again; --only picks names.
    expect((await quantizeModelFolder(dir, ['vision_model'])).map((f) => f.file)).toEqual([join(dir, 'onnx', 'vision_model_quantized.onnx')]);
    expect(existsSync(join(dir, 'onnx', 'vision_model_quantized_quantized.onnx'))).toBe(false);
  });

  it('says what is wrong with a folder it cannot quantize', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'studio-quantize-empty-'));
    await expect(quantizeModelFolder(empty)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('Hugging Face ONNX layout') });
  });
});
