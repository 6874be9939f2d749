import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildTextTower, buildVisionTower, VIT_B32 } from './clip-architecture';

/**
 * The full-size towers are only built by the benchmark (hundreds of MB). Here the real sizes are checked by counting
 * parameters, and the same builders run shrunken (narrow, two layers).
 */
describe('real-size CLIP architecture', () => {
  it('has the parameter counts of CLIP ViT-B/32', () => {
    const v = VIT_B32.vision;
    const block = (s: { width: number; mlp: number }) => 4 * s.width * s.width + 2 * s.width * s.mlp;
    const vision = v.width * 3 * v.patch * v.patch + v.layers * block(v) + 50 * v.width + v.width * 512;
    const t = VIT_B32.text;
    const text = t.vocab * t.width + t.context * t.width + t.layers * block(t) + t.width * 512;
    // Published: ≈88M vision and ≈63M text parameters.
    expect(vision / 1e6).toBeGreaterThan(87);
    expect(vision / 1e6).toBeLessThan(89);
    expect(text / 1e6).toBeGreaterThan(62);
    expect(text / 1e6).toBeLessThan(64);
  });

  it('a shrunken vision tower runs: 50 tokens in, one embedding per image out', async () => {
    const size = { ...VIT_B32.vision, width: 64, layers: 2, heads: 4, mlp: 128 };
    const session = await ort.InferenceSession.create(buildVisionTower(size, 16));
    const pixels = new ort.Tensor('float32', new Float32Array(2 * 3 * 224 * 224).map((_, i) => Math.sin(i)), [2, 3, 224, 224]);
    const out = await session.run({ pixel_values: pixels });
    expect(out.image_embeds!.dims).toEqual([2, 16]);
    expect(out.last_hidden_state!.dims).toEqual([2, 50, 64]);
  });

  it('a shrunken text tower is causal, masks padding, and pools at the end token', async () => {
    const size = { ...VIT_B32.text, width: 32, layers: 2, heads: 4, mlp: 64 };
    const session = await ort.InferenceSession.create(buildTextTower(size, 16));
    const run = async (ids: number[], mask: number[]) => {
      const dims = [1, ids.length];
      return session.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), dims),
        attention_mask: new ort.Tensor('int64', BigInt64Array.from(mask.map(BigInt)), dims),
      });
    };
    const a = await run([49406, 320, 736, 49407, 49407], [1, 1, 1, 1, 0]);
    const b = await run([49406, 320, 1901, 49407, 49407], [1, 1, 1, 1, 0]);
    const hidden = (r: typeof a, pos: number) => Array.from((r.last_hidden_state!.data as Float32Array).slice(pos * 32, pos * 32 + 32));
    // Changing token 2 leaves positions 0–1 untouched (causal) but changes the pooled embedding.
    expect(hidden(b, 1)).toEqual(hidden(a, 1));
    expect(hidden(b, 2)).not.toEqual(hidden(a, 2));
    expect(Array.from(b.text_embeds!.data as Float32Array)).not.toEqual(Array.from(a.text_embeds!.data as Float32Array));
    expect(a.text_embeds!.dims).toEqual([1, 16]);
  });
});
