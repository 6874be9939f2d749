import { describe, expect, it } from 'vitest';
import type { ModelEntry } from './manifest';
import { chooseVariant } from './variants';

const clip = {
  task: 'clip',
  precision: 'fp32',
  files: [{ path: 'onnx/vision_model.onnx', variants: ['fp32', 'fp16', 'int8'] }],
} as unknown as ModelEntry;

describe('chooseVariant', () => {
  it('asks for the provider only when it decides: not for the user’s choice or a single variant on disk', () => {
    let asked = 0;
    const provider = (name: string) => () => (asked++, name);
    expect(chooseVariant(clip, provider('cuda'), 'fp32', () => true)).toBe('fp32');
    expect(chooseVariant(clip, provider('cuda'), null, (v) => v === 'int8')).toBe('int8');
    expect(asked).toBe(0);
    // Two on disk: the provider picks (fp16 on a GPU, the 8-bit encoder on a CPU).
    expect(chooseVariant(clip, provider('cuda'), null, (v) => v !== 'int8')).toBe('fp16');
    expect(chooseVariant(clip, provider('cpu'), null, () => true)).toBe('int8');
    // None on disk: the most suitable one for the provider (what a download would fetch).
    expect(chooseVariant(clip, provider('cuda'), null, () => false)).toBe('fp16');
    expect(asked).toBe(3);
    expect(chooseVariant(clip, 'cpu', null, () => false)).toBe('int8');
  });
});
