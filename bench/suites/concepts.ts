import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ensureFixtures, ensureRealSizeClip } from '../../models/fixtures';
import type { SceneLabel } from '../../models/scene-world/generate-world';
import { ClipModel } from '../../src-main/engine/clip/clip-model';
import { buildAttributeSpace, readAttributeWords } from '../../src-main/engine/concepts/attribute-space';
import { DEFAULT_DIMENSIONS } from '../../src-main/engine/concepts/concepts';
import { encodeWithTokens } from '../../src-main/engine/concepts/concept-text';
import { teach } from '../../src-main/engine/concepts/trainer';
import { SessionPool } from '../../src-main/engine/models/session-pool';
import type { Figure } from './figure';

/**
 * Teaching a concept: text-encoder throughput through the token-embedding input, calls and wall time per training with
 * the scene fixture, and the time one generation takes on a ViT-B/32-sized text encoder (real architecture, random
 * weights), projected to a whole training.
 */
export async function conceptTeaching(log: (line: string) => void): Promise<Figure[]> {
  const paths = await ensureFixtures(process.cwd(), log);
  const pool = new SessionPool({ providers: ['cpu'] });
  const words = await readAttributeWords(join(process.cwd(), 'resources', 'attributes', 'attribute-words.tsv'));
  const clip = await ClipModel.load(paths.sceneClip, pool);
  const encoder = await clip.tokenEmbeddingEncoder();
  const space = buildAttributeSpace(encoder.table, encoder.dim, clip.tokenizer, words, DEFAULT_DIMENSIONS);
  const labels = JSON.parse(await readFile(join(paths.world, 'labels.json'), 'utf8')) as SceneLabel[];
  const vectors = (await clip.encodeImages(labels.map((l) => join(paths.world, l.file)))).map((r) => (r as { embedding: Float32Array }).embedding);
  const positives = labels.flatMap((l, i) => (l.color === 'yellow' && l.shape === 'circle' ? [vectors[i]!] : []));
  const negatives = labels.flatMap((l, i) => (l.shape === 'circle' && l.color !== 'yellow' ? [vectors[i]!] : []));
  const runs = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  for (let seed = 0; seed < 3; seed++) runs.push(await teach({ clip, space, parent: 'circle', positives, negatives, seed }));
  loop.disable();
  const median = runs.sort((a, b) => a.stats.seconds - b.stats.seconds)[1]!.stats;
  const perGeneration = median.textsEncoded / median.generation;

  // One generation on a ViT-B/32-sized text encoder: the same batch size through the token-embedding input.
  const bigDir = await ensureRealSizeClip(process.cwd(), log);
  const big = await ClipModel.load(bigDir, pool);
  const bigEncoder = await big.tokenEmbeddingEncoder();
  const token = new Float32Array(bigEncoder.dim).fill(0.01);
  const items = Array.from({ length: Math.round(perGeneration) }, () => ({ text: 'a photo of a * mug', tokens: [token] }));
  await encodeWithTokens(bigEncoder, big.tokenizer, items);
  const times: number[] = [];
  // Teaching's encoder calls run on the inference thread: the engine's loop should stay free while they run.
  const bigLoop = monitorEventLoopDelay({ resolution: 5 });
  bigLoop.enable();
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await encodeWithTokens(bigEncoder, big.tokenizer, items);
    times.push(performance.now() - t);
  }
  bigLoop.disable();
  const bigGeneration = times.sort((a, b) => a - b)[2]!;
  await pool.release();
  return [
    { name: `concept training, scene fixture encoder, k = ${space.basis.length} (median of 3 seeds)`, value: Math.round(median.seconds * 100) / 100, unit: 's', target: '< 60 s', note: `${median.generation} generations, ${median.textsEncoded} texts in ${median.encoderCalls} encoder calls` },
    { name: '  text-encoder throughput while training, fixture', value: Math.round(median.textsEncoded / median.seconds), unit: 'texts/s' },
    { name: '  event-loop delay p99 while teaching, scene fixture (the host stays responsive)', value: Math.round(loop.percentile(99) / 1e5) / 10, unit: 'ms', target: '< 20 ms' },
    { name: '  event-loop delay p99 while a ViT-B/32-sized text encoder runs teaching generations', value: Math.round(bigLoop.percentile(99) / 1e5) / 10, unit: 'ms', target: '< 20 ms' },
    { name: `  one generation on a ViT-B/32-sized text encoder (${Math.round(perGeneration)} texts, one batched call)`, value: Math.round(bigGeneration), unit: 'ms' },
    {
      name: '  projected training time, ViT-B/32-sized encoder',
      value: Math.round((bigGeneration * median.generation) / 100) / 10,
      unit: 's',
      note: `${median.generation} generations × ${Math.round(bigGeneration)} ms; ${Math.round((perGeneration * 1000) / bigGeneration)} texts/s`,
    },
  ];
}
