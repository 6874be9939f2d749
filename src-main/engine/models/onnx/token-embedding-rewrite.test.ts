import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../../models/fixtures';
import { ClipTokenizer } from '../../clip/tokenizer';
import { GraphBuilder } from './graph-builder';
import { EMBEDS_INPUT, lookUpRows, rewriteForTokenEmbeddings } from './token-embedding-rewrite';

const paths = fixturePaths();

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('token-embedding rewrite', () => {
  it('gives the original output for ordinary text when fed the looked-up rows (scene CLIP text encoder)', async () => {
    const original = await readFile(join(paths.sceneClip, 'onnx', 'text_model.onnx'));
    const rewrite = rewriteForTokenEmbeddings(original);
    expect(rewrite.tableName).toBe('text_model.embeddings.token_embedding.weight');
    expect(rewrite.vocabSize).toBe(49408);

    const before = await ort.InferenceSession.create(original);
    const after = await ort.InferenceSession.create(rewrite.model);
    expect(after.inputNames).toContain(EMBEDS_INPUT);

    const tokenizer = await ClipTokenizer.fromDir(paths.sceneClip);
    const batch = tokenizer.encodeBatch(['a red circle on the left', 'a photo of a cat', 'tiny']);
    const dims = [batch.count, batch.length];
    const ids = new ort.Tensor('int64', batch.ids, dims);
    const mask = new ort.Tensor('int64', batch.mask, dims);
    const embeds = new ort.Tensor('float32', lookUpRows(rewrite.table, rewrite.dim, batch.ids), [...dims, rewrite.dim]);

    const a = await before.run({ input_ids: ids, attention_mask: mask });
    const feeds: Record<string, ort.Tensor> = { [EMBEDS_INPUT]: embeds, attention_mask: mask };
    if (rewrite.keepsInputIds) feeds.input_ids = ids;
    const b = await after.run(feeds);
    expect(maxAbsDiff(a.text_embeds!.data as Float32Array, b.text_embeds!.data as Float32Array)).toBeLessThan(1e-5);
    expect(maxAbsDiff(a.last_hidden_state!.data as Float32Array, b.last_hidden_state!.data as Float32Array)).toBeLessThan(1e-5);
  });

  it('finds the lookup through casts and reshapes, keeps input_ids when the graph still needs it (end-token pooling)', async () => {
    // A miniature CLIP-like encoder: ids are cast to int32 before the lookup, and the output pools at argmax(ids).
    const V = 10;
    const D = 4;
    const g = new GraphBuilder('mini');
    const ids = g.input('input_ids', 'int64', ['batch', 'seq']);
    const table = g.tensorF(Array.from({ length: V * D }, (_, i) => Math.sin(i)), [V, D], 'token_embedding.weight');
    const positions = g.tensorF(Array.from({ length: 3 * D }, (_, i) => i / 10), [3, D], 'position_embedding.weight');
    const tok = g.op('Gather', [table, g.op('Cast', [ids], { to: 6 })]);
    const pos = g.op('Gather', [positions, g.tensorI64([0, 1, 2])]);
    const hidden = g.op('Tanh', [g.op('Add', [tok, pos])], {}, 'last_hidden_state');
    const eos = g.op('ArgMax', [ids], { axis: 1, keepdims: 0 });
    const onehot = g.op('OneHot', [eos, g.tensorI64([3], []), g.constF([0, 1])], { axis: -1 });
    g.op('ReduceSum', [g.op('Mul', [hidden, g.op('Unsqueeze', [onehot, g.tensorI64([2])])]), g.tensorI64([1])], { keepdims: 0 }, 'pooled');
    g.output('pooled', 'float', ['batch', D]);
    const original = g.build();

    const rewrite = rewriteForTokenEmbeddings(original);
    expect(rewrite.keepsInputIds).toBe(true);
    const idsData = BigInt64Array.from([1n, 9n, 3n, 2n, 2n, 7n]);
    const idsTensor = new ort.Tensor('int64', idsData, [2, 3]);
    const a = await (await ort.InferenceSession.create(original)).run({ input_ids: idsTensor });
    const b = await (
      await ort.InferenceSession.create(rewrite.model)
    ).run({ input_ids: idsTensor, [EMBEDS_INPUT]: new ort.Tensor('float32', lookUpRows(rewrite.table, D, idsData), [2, 3, D]) });
    expect(maxAbsDiff(a.pooled!.data as Float32Array, b.pooled!.data as Float32Array)).toBeLessThan(1e-6);

    // A learned embedding changes the output: the input is really used.
    const custom = lookUpRows(rewrite.table, D, idsData);
    custom.fill(5, D, 2 * D);
    const c = await (await ort.InferenceSession.create(rewrite.model)).run({ input_ids: idsTensor, [EMBEDS_INPUT]: new ort.Tensor('float32', custom, [2, 3, D]) });
    expect(maxAbsDiff(a.pooled!.data as Float32Array, c.pooled!.data as Float32Array)).toBeGreaterThan(0.01);
  });

  it('drops input_ids entirely when only the lookup used it', async () => {
    const g = new GraphBuilder('plain');
    const ids = g.input('input_ids', 'int64', ['batch', 'seq']);
    g.op('Gather', [g.tensorF([1, 2, 3, 4, 5, 6], [3, 2], 'emb'), ids], {}, 'out');
    g.output('out', 'float', ['batch', 'seq', 2]);
    const rewrite = rewriteForTokenEmbeddings(g.build());
    expect(rewrite.keepsInputIds).toBe(false);
    const session = await ort.InferenceSession.create(rewrite.model);
    expect(session.inputNames).toEqual([EMBEDS_INPUT]);
  });

  it('explains when there is nothing to rewrite', () => {
    const g = new GraphBuilder('no-lookup');
    const ids = g.input('input_ids', 'int64', ['batch', 'seq']);
    g.op('Identity', [ids], {}, 'out');
    g.output('out', 'int64', ['batch', 'seq']);
    expect(() => rewriteForTokenEmbeddings(g.build())).toThrowError(expect.objectContaining({ code: 'MODEL_MISMATCH', message: expect.stringContaining('No token-embedding lookup') }));
  });
});
