import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { fixturePaths } from './fixtures';

const paths = fixturePaths();

describe('fixture models', () => {
  it('scene CLIP has the real exports’ input and output names, ranks and dtypes', async () => {
    const vision = await ort.InferenceSession.create(join(paths.sceneClip, 'onnx', 'vision_model.onnx'));
    expect(vision.inputNames).toEqual(['pixel_values']);
    expect([...vision.outputNames].sort()).toEqual(['image_embeds', 'last_hidden_state']);
    const text = await ort.InferenceSession.create(join(paths.sceneClip, 'onnx', 'text_model.onnx'));
    expect(text.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect([...text.outputNames].sort()).toEqual(['last_hidden_state', 'text_embeds']);
    const meta = text.inputMetadata.find((m) => m.name === 'input_ids');
    expect(meta).toMatchObject({ isTensor: true, type: 'int64' });
    expect(existsSync(join(paths.sceneClip, 'tokenizer.json'))).toBe(true);
  });

  it('scene MobileCLIP is laid out like the Xenova/mobileclip_* exports (256 px, no mean/std, fixed-length ids)', async () => {
    const vision = await ort.InferenceSession.create(join(paths.sceneMobileClip, 'onnx', 'vision_model.onnx'));
    expect(vision.inputMetadata[0]).toMatchObject({ name: 'pixel_values', shape: ['batch_size', 3, 256, 256] });
    const text = await ort.InferenceSession.create(join(paths.sceneMobileClip, 'onnx', 'text_model.onnx'));
    expect(text.inputNames).toEqual(['input_ids']);
    expect(text.inputMetadata[0]).toMatchObject({ type: 'int64', shape: ['batch_size', 77] });
    expect(text.outputNames).toEqual(['text_embeds']);
    const config = JSON.parse(await readFile(join(paths.sceneMobileClip, 'preprocessor_config.json'), 'utf8'));
    expect(config).toMatchObject({ do_normalize: false, resample: 2, size: { shortest_edge: 256 } });
    for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) expect(existsSync(join(paths.sceneMobileClip, file))).toBe(true);
  });

  it('the synthetic world has labelled images of every color and shape', async () => {
    const labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8')) as { file: string; color: string; shape: string }[];
    expect(labels.length).toBe(66);
    expect(new Set(labels.map((l) => `${l.color}-${l.shape}`)).size).toBe(33);
    for (const l of labels.slice(0, 3)) expect(existsSync(join(paths.world, l.file))).toBe(true);
  });
});
