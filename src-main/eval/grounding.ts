import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureFixtures } from '../../models/fixtures';
import { ClipModel } from '../engine/clip/clip-model';
import { dot } from '../engine/shared/vector';
import { runGrounded, type GroundedRequest, type NeighbourMix } from '../engine/edit/grounded-pipeline';
import { encodePng } from '../engine/shared/pixels';
import { SdModel } from '../engine/edit/sd-model';
import { neighbourPicture } from '../engine/grounding/grounding';
import { SessionPool } from '../engine/models/session-pool';

/** One case of the fixture world: a prompt naming a color and shape, and neighbours of another color and shape. */
interface Case {
  prompt: string;
  neighbours: string[];
}

const CASES: Case[] = [
  { prompt: 'a red circle', neighbours: ['blue-square-0.png', 'blue-square-1.png', 'blue-triangle-0.png'] },
  { prompt: 'a yellow square', neighbours: ['green-circle-0.png', 'green-circle-1.png', 'green-triangle-1.png'] },
  { prompt: 'a blue triangle', neighbours: ['red-circle-0.png', 'red-square-1.png', 'red-triangle-0.png'] },
  { prompt: 'a green square', neighbours: ['purple-circle-0.png', 'purple-triangle-0.png', 'purple-square-1.png'] },
];
const WIDTH = 240;
const HEIGHT = 192;
export const ETAS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

export interface GroundingRow {
  label: string;
  /** Mean cosine (scene CLIP) of the output to its neighbours' pictures. */
  toNeighbours: number;
  /** Mean cosine of the output to the prompt's text feature. */
  toPrompt: number;
  unetRowsPerStep: number;
}

export interface GroundingReport {
  sweep: (GroundingRow & { eta: number })[];
  guidance: GroundingRow[];
  mixes: GroundingRow[];
  gamma: number;
  steps: number;
}

/**
 * Sweeps η on the fixture world (scene CLIP + the tiny instruction model): per η, how close the output is to its
 * neighbours and to its prompt; plain CFG beside interleaved guidance; and the two ways of mixing several neighbours.
 */
export async function evaluateGrounding(log: (line: string) => void, gamma = 7.5, steps = 20): Promise<GroundingReport> {
  const paths = await ensureFixtures(process.cwd(), log);
  const pool = new SessionPool({ providers: ['cpu'] });
  const clip = await ClipModel.load(paths.sceneClip, pool);
  const sd = await SdModel.load(paths.sd.instruct, pool);
  const prepared = await Promise.all(
    CASES.map(async (c) => {
      const files = c.neighbours.map((n) => join(paths.world, n));
      const pictures = await Promise.all(files.map((f) => neighbourPicture(f, WIDTH, HEIGHT)));
      const embedded = await clip.encodeImages(await Promise.all(files.map((f) => readFile(f))));
      const [text] = await clip.encodeTexts([c.prompt]);
      return { ...c, pictures, neighbourVectors: embedded.flatMap((e) => (e.ok ? [e.embedding] : [])), text: text! };
    }),
  );
  const measure = async (label: string, over: Partial<GroundedRequest>, rows: number): Promise<GroundingRow> => {
    let toNeighbours = 0;
    let toPrompt = 0;
    for (const [i, c] of prepared.entries()) {
      const { image } = await runGrounded(sd, { mode: 'create', source: null, neighbours: c.pictures, prompt: c.prompt, negative: '', steps, guidance: gamma, eta: 0.5, mix: 'turns', seed: 100 + i, scheduler: 'ddim', width: WIDTH, height: HEIGHT, ...over });
      const [out] = await clip.encodeImages([await encodePng(image)]);
      if (!out!.ok) throw new Error(out!.error.message);
      toNeighbours += c.neighbourVectors.reduce((s, v) => s + dot(out!.embedding, v), 0) / c.neighbourVectors.length;
      toPrompt += dot(out!.embedding, c.text);
    }
    return { label, toNeighbours: toNeighbours / prepared.length, toPrompt: toPrompt / prepared.length, unetRowsPerStep: rows };
  };
  const sweep: GroundingReport['sweep'] = [];
  for (const eta of ETAS) {
    log(`grounding: η = ${eta}`);
    sweep.push({ eta, ...(await measure(`η = ${eta}`, { eta }, 2)) });
  }
  const guidance = [await measure(`plain CFG (γ = ${gamma})`, { plainGuidance: true }, 2)];
  for (const eta of [0.25, 0.5, 0.75]) guidance.push(await measure(`interleaved, η = ${eta}`, { eta }, 2));
  const mixes: GroundingRow[] = [];
  for (const eta of [0.1, 0.25, 0.5]) {
    for (const mix of ['mean', 'turns'] as NeighbourMix[]) mixes.push(await measure(`${mix === 'mean' ? 'mean latent' : 'one neighbour per step, in turn'}, η = ${eta}`, { mix, eta }, 2));
  }
  await pool.release();
  return { sweep, guidance, mixes, gamma, steps };
}

const f3 = (v: number) => v.toFixed(3);

/** The report as markdown: the η curve (with a bar for the similarity to neighbours) and the two comparison tables. */
export function groundingMarkdown(r: GroundingReport): string {
  const lo = Math.min(...r.sweep.map((s) => s.toNeighbours));
  const hi = Math.max(...r.sweep.map((s) => s.toNeighbours));
  const bar = (v: number) => '█'.repeat(Math.round(((v - lo) / Math.max(1e-9, hi - lo)) * 20));
  const table = (rows: GroundingRow[]) => [
    '| guidance | CLIP sim. to neighbours | CLIP sim. to prompt | UNet rows / step |',
    '|---|---:|---:|---:|',
    ...rows.map((g) => `| ${g.label} | ${f3(g.toNeighbours)} | ${f3(g.toPrompt)} | ${g.unetRowsPerStep} |`),
  ];
  return [
    `Grounded generation on the fixture world (scene CLIP, tiny instruction model; γ = ${r.gamma}, ${r.steps} DDIM steps, one neighbour per step, ${CASES.length} prompts × 3 neighbours each of another color and shape)`,
    '',
    '| η | CLIP sim. to neighbours | CLIP sim. to prompt | |',
    '|---:|---:|---:|---|',
    ...r.sweep.map((s) => `| ${s.eta.toFixed(1)} | ${f3(s.toNeighbours)} | ${f3(s.toPrompt)} | ${bar(s.toNeighbours)} |`),
    '',
    ...table(r.guidance),
    '',
    'Several neighbours (mean latent vs one per step):',
    '',
    ...table(r.mixes),
  ].join('\n');
}
