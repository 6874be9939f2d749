import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderScene, type SceneLabel, type SceneSpec } from './generate-world';
import { Random } from './random';
import { COLOR_NAMES, SHAPES, type ColorName, type ShapeName } from './vocabulary';

/**
 * Mini evaluation sets in the real CIRR, FashionIQ and PerVL-style formats (docs/eval-formats.md), built from the scene
 * world, where every target is known: each color × shape × background scene exists exactly once, so "this red square,
 * but blue" has one right answer.
 */

const EVAL_BACKGROUNDS: ColorName[] = ['white', 'black', 'gray'];

const key = (s: SceneSpec) => `${s.color}-${s.shape}-${s.background}`;

function everyScene(): SceneSpec[] {
  return COLOR_NAMES.flatMap((color) => SHAPES.flatMap((shape) => EVAL_BACKGROUNDS.filter((b) => b !== color).map((background) => ({ color, shape, background }))));
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 1)}\n`);
}

async function renderAll(specs: SceneSpec[], fileOf: (s: SceneSpec) => string, dir: string, rng: Random): Promise<SceneLabel[]> {
  const labels: SceneLabel[] = [];
  for (const spec of specs) {
    const file = fileOf(spec);
    const { png, label } = await renderScene(spec, file, rng);
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), png);
    labels.push(label);
  }
  return labels;
}

/** A modification with one right answer: another color, or another shape, on the same background. */
function modify(ref: SceneSpec, rng: Random): { target: SceneSpec; caption: string; kind: 'color' | 'shape' } {
  if (rng.next() < 0.5) {
    const color = rng.pick(COLOR_NAMES.filter((c) => c !== ref.color && c !== ref.background));
    return { target: { ...ref, color }, caption: rng.pick([`make it ${color}`, `change the color to ${color}`, `the same but ${color}`]), kind: 'color' };
  }
  const shape = rng.pick(SHAPES.filter((s) => s !== ref.shape));
  return { target: { ...ref, shape }, caption: rng.pick([`as a ${shape}`, `turn it into a ${shape}`, `a ${shape} instead`]), kind: 'shape' };
}

/** CIRR layout: captions/cap.rc2.{val,test1}.json, image_splits/split.rc2.{val,test1}.json, images under dev/ and test1/. */
export async function generateCirrSet(dir: string, { seed = 31, queries = 40 } = {}): Promise<void> {
  const rng = new Random(seed);
  for (const split of ['val', 'test1'] as const) {
    const prefix = split === 'val' ? 'dev' : 'test1';
    const specs = everyScene();
    const idOf = (s: SceneSpec) => `${prefix}-${key(s)}`;
    await renderAll(specs, (s) => `${prefix}/${idOf(s)}.png`, dir, rng);
    await writeJson(join(dir, 'image_splits', `split.rc2.${split}.json`), Object.fromEntries(specs.map((s) => [idOf(s), `./${prefix}/${idOf(s)}.png`])));
    const exists = new Set(specs.map(key));
    const entries: Record<string, unknown>[] = [];
    for (let pairid = 0; entries.length < (split === 'val' ? queries : queries / 4); pairid++) {
      const ref = rng.pick(specs);
      const { target, caption } = modify(ref, rng);
      if (!exists.has(key(target))) continue;
      // The subset: the reference, the target and four near misses (same shape or same color).
      const near = specs.filter((s) => key(s) !== key(ref) && key(s) !== key(target) && (s.shape === target.shape || s.color === target.color));
      const members = [ref, target];
      while (members.length < 6) {
        const pick = rng.pick(near);
        if (!members.some((m) => key(m) === key(pick))) members.push(pick);
      }
      for (let i = members.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [members[i], members[j]] = [members[j]!, members[i]!];
      }
      const imgSet = { id: entries.length, members: members.map(idOf), reference_rank: members.indexOf(ref) };
      entries.push(
        split === 'val'
          ? {
              pairid: 10000 + pairid,
              reference: idOf(ref),
              target_hard: idOf(target),
              target_soft: { [idOf(target)]: 1.0 },
              caption,
              img_set: { ...imgSet, target_rank: members.indexOf(target) },
            }
          : { pairid: 20000 + pairid, reference: idOf(ref), caption, img_set: imgSet },
      );
    }
    await writeJson(join(dir, 'captions', `cap.rc2.${split}.json`), entries);
  }
}

/**
 * FashionIQ layout with the shapes as categories: captions/cap.<shape>.val.json, image_splits/split.<shape>.val.json,
 * images/<id>.png. As in FashionIQ, a target is the candidate changed as the captions say (same placement, other color);
 * each pair brings look-alikes of both kinds (the candidate in other colors, the target color elsewhere), so neither the
 * image nor the text alone finds it.
 */
export async function generateFashionIqSet(dir: string, { seed = 37, perCategory = 15 } = {}): Promise<void> {
  const rng = new Random(seed);
  for (const shape of SHAPES) {
    const ids: string[] = [];
    const entries = [];
    const render = async (spec: SceneSpec, place?: Pick<SceneLabel, 'radius' | 'cx' | 'cy'>) => {
      const id = `${shape.slice(0, 2).toUpperCase()}${String(ids.length).padStart(4, '0')}`;
      const { png, label } = await renderScene(spec, `images/${id}.png`, rng, place);
      await mkdir(join(dir, 'images'), { recursive: true });
      await writeFile(join(dir, label.file), png);
      ids.push(id);
      return { id, label };
    };
    for (let n = 0; n < perCategory; n++) {
      const background = rng.pick(EVAL_BACKGROUNDS);
      const colors = COLOR_NAMES.filter((c) => c !== background);
      const from = rng.pick(colors);
      const to = rng.pick(colors.filter((c) => c !== from));
      const candidate = await render({ color: from, shape, background });
      const place = { radius: candidate.label.radius, cx: candidate.label.cx, cy: candidate.label.cy };
      const target = await render({ color: to, shape, background }, place);
      for (let k = 0; k < 2; k++) {
        await render({ color: rng.pick(colors.filter((c) => c !== from && c !== to)), shape, background }, place);
        await render({ color: to, shape, background: rng.pick(EVAL_BACKGROUNDS.filter((b) => b !== to)) });
      }
      entries.push({ target: target.id, candidate: candidate.id, captions: [`is ${to}`, rng.pick([`is more ${to}`, `${to} colored`, `has a ${to} color`])] });
    }
    await writeJson(join(dir, 'image_splits', `split.${shape}.val.json`), ids);
    await writeJson(join(dir, 'captions', `cap.${shape}.val.json`), entries);
  }
}

/**
 * PerVL-style concept retrieval (pervl.json): each concept is one color × shape under its parent word (the shape),
 * taught by 3 photos; queries name the concept ("*name") and its other instances are the targets among look-alikes.
 */
export async function generatePervlSet(dir: string, { seed = 41 } = {}): Promise<void> {
  const rng = new Random(seed);
  const concepts: { name: string; color: ColorName; shape: ShapeName }[] = [
    { name: 'sunny', color: 'yellow', shape: 'circle' },
    { name: 'brick', color: 'brown', shape: 'square' },
    { name: 'candy', color: 'pink', shape: 'triangle' },
    { name: 'plum', color: 'purple', shape: 'circle' },
  ];
  const distractors = everyScene().filter((s) => !concepts.some((c) => c.color === s.color && c.shape === s.shape));
  const gallery = (await renderAll(distractors, (s) => `images/${key(s)}.png`, dir, rng)).map((l) => l.file);
  const out = [];
  const queries = [];
  for (const concept of concepts) {
    const instances: string[] = [];
    for (let k = 0; k < 6; k++) {
      const background = rng.pick(EVAL_BACKGROUNDS.filter((b) => b !== concept.color));
      const [label] = await renderAll([{ color: concept.color, shape: concept.shape, background }], () => `images/${concept.name}-${k}.png`, dir, rng);
      instances.push(label!.file);
    }
    // Parent-class negatives (the paper generates these from "image of a <parent>"): the same shape in other colors.
    const negatives: string[] = [];
    for (const color of COLOR_NAMES.filter((c) => c !== concept.color)) {
      const background = rng.pick(EVAL_BACKGROUNDS.filter((b) => b !== color));
      const [label] = await renderAll([{ color, shape: concept.shape, background }], () => `negatives/${concept.name}-${color}.png`, dir, rng);
      negatives.push(label!.file);
    }
    out.push({ name: concept.name, parent: concept.shape, train: instances.slice(0, 3), negatives });
    gallery.push(...instances.slice(3));
    queries.push({ concept: concept.name, text: `a photo of *${concept.name}`, targets: instances.slice(3) });
  }
  await writeJson(join(dir, 'pervl.json'), { concepts: out, queries, gallery });
}
