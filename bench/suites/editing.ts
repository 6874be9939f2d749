import { ensureComputeHeavySd, ensureFixtures } from '../../models/fixtures';
import { runDiffusion } from '../../src-main/engine/edit/pipeline';
import { SdModel } from '../../src-main/engine/edit/sd-model';
import { SessionPool } from '../../src-main/engine/models/session-pool';
import { flat, groundedTurn, median, ms } from './grounded';
import type { Figure } from './figure';

/**
 * One edit turn through the real pipeline, split into text encoding, UNet, scheduler, VAE and the pipeline's own
 * overhead: on the tiny fixture (64×64, where the UNet costs almost nothing, so overhead dominates), and on the same
 * fixture with a compute-heavy UNet at 512×512 (64×64 latents, 3 guidance branches batched) — the overhead that matters.
 */
export async function editingTurn(log: (line: string) => void): Promise<Figure[]> {
  const paths = await ensureFixtures(process.cwd(), log);
  const pool = new SessionPool({ providers: ['cpu'] });
  const figures: Figure[] = [];
  const runs: [string, string, number, number][] = [
    ['tiny fixture, 64×64', paths.sd.instruct, 64, 20],
    ['compute-heavy UNet (4×128-channel 3×3 convs), 512×512', await ensureComputeHeavySd(), 512, 4],
  ];
  for (const [label, dir, size, steps] of runs) {
    const model = await SdModel.load(dir, pool);
    const request = { pipeline: 'instruct' as const, source: flat(size, [200, 40, 40]), mask: null, prompt: 'make it green', negative: '', steps, textGuidance: 7.5, imageGuidance: 1.5, strength: 1, seed: 1, scheduler: 'euler-ancestral' as const, feather: 0 };
    await runDiffusion(model, { ...request, steps: 1 }); // warm sessions
    const t = await median(async () => (await runDiffusion(model, request)).timings);
    log(`bench: edit turn, ${label}: ${ms(t.totalMs)} ms`);
    figures.push(
      { name: `edit turn, ${label}, ${steps} steps (median of 3)`, value: ms(t.totalMs), unit: 'ms', note: `text ${ms(t.textMs)}, UNet ${ms(t.unetMs)}, scheduler ${ms(t.schedulerMs)}, VAE ${ms(t.vaeMs)}, overhead ${ms(t.overheadMs)} ms` },
      { name: `  per step (UNet + scheduler), ${label}`, value: ms((t.unetMs + t.schedulerMs) / t.steps), unit: 'ms' },
      { name: `  pipeline overhead, ${label}`, value: Math.round((1000 * t.overheadMs) / t.totalMs) / 10, unit: '% of the turn', target: size === 512 ? '< 5 %' : '' },
    );
  }
  await pool.release();
  figures.push(...(await groundedTurn(log)));
  return figures;
}
