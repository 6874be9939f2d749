import { ensureComputeHeavySd } from '../../models/fixtures';
import { runGrounded } from '../../src-main/engine/edit/grounded-pipeline';
import { runDiffusion, type StageTimings } from '../../src-main/engine/edit/pipeline';
import type { Rgb } from '../../src-main/engine/shared/pixels';
import { SdModel } from '../../src-main/engine/edit/sd-model';
import { SessionPool } from '../../src-main/engine/models/session-pool';
import type { Figure } from './figure';

/** A size×size image of one color. */
export function flat(size: number, rgb: [number, number, number]): Rgb {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) data.set(rgb, i * 3);
  return { width: size, height: size, data };
}

export const ms = (v: number) => Math.round(v * 10) / 10;
/** The median of three runs' timings, by total time. */
export const median = async (run: () => Promise<StageTimings>) => {
  const t: StageTimings[] = [];
  for (let i = 0; i < 3; i++) t.push(await run());
  return t.sort((a, b) => a.totalMs - b.totalMs)[1]!;
};

/**
 * A grounded turn (interleaved guidance: two UNet rows a step) against a plain instruction turn (dual guidance: three
 * rows) with the same steps, on the compute-heavy fixture UNet at 512×512, and the grounded turn's cost outside the UNet.
 */
export async function groundedTurn(log: (line: string) => void, steps = 4): Promise<Figure[]> {
  const pool = new SessionPool({ providers: ['cpu'] });
  const model = await SdModel.load(await ensureComputeHeavySd(), pool);
  const size = 512;
  const source = flat(size, [200, 40, 40]);
  const neighbours = [flat(size, [30, 60, 220]), flat(size, [40, 200, 60]), flat(size, [220, 200, 40])];
  const plain = () =>
    runDiffusion(model, { pipeline: 'instruct', source, mask: null, prompt: 'make it green', negative: '', steps, textGuidance: 7.5, imageGuidance: 1.5, strength: 1, seed: 1, scheduler: 'ddim', feather: 0 }).then((r) => r.timings);
  const grounded = () =>
    runGrounded(model, { mode: 'edit', source, neighbours, prompt: 'make it green', negative: '', steps, guidance: 7.5, eta: 0.5, mix: 'turns', seed: 1, scheduler: 'ddim' }).then((r) => r.timings);
  await plain();
  await grounded(); // warm sessions for both batch sizes
  const p = await median(plain);
  const g = await median(grounded);
  log(`bench: grounded turn ${ms(g.totalMs)} ms vs instruction turn ${ms(p.totalMs)} ms`);
  await pool.release();
  const outsideUnet = g.totalMs - g.unetMs;
  return [
    { name: `instruction turn (dual guidance, 3 UNet rows), 512×512, ${steps} steps, compute-heavy UNet (median of 3)`, value: ms(p.totalMs), unit: 'ms', note: `UNet ${ms(p.unetMs)} ms` },
    { name: `grounded turn (interleaved, 2 UNet rows, 3 neighbours), same`, value: ms(g.totalMs), unit: 'ms', note: `UNet ${ms(g.unetMs)}, VAE ${ms(g.vaeMs)}, text ${ms(g.textMs)}, scheduler ${ms(g.schedulerMs)}, overhead ${ms(g.overheadMs)} ms` },
    { name: '  grounded / instruction turn', value: Math.round((100 * g.totalMs) / p.totalMs) / 100, unit: '×', target: '≈ 0.7×' },
    { name: '  grounded UNet / instruction UNet', value: Math.round((100 * g.unetMs) / p.unetMs) / 100, unit: '×', target: '≈ 0.67×' },
    { name: '  grounded turn outside the UNet (VAE, text, scheduler, overhead)', value: Math.round((1000 * outsideUnet) / g.totalMs) / 10, unit: '% of the turn', note: `of which pipeline overhead ${Math.round((1000 * g.overheadMs) / g.totalMs) / 10} %`, target: '< 5 %' },
  ];
}
