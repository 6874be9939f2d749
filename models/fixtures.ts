import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quantizeModelFolder } from '../src-main/engine/models/quantize-folder';
import { generateRealSizeClip } from './generators/clip-architecture';
import { generateSceneComposers } from './generators/composers';
import { withHalfInterface } from './generators/half-interface';
import { generateSceneClip } from './generators/scene-clip';
import { generateSceneMobileClip } from './generators/scene-mobileclip';
import { generateTinyStableDiffusion, type UnetKind } from './generators/stable-diffusion';
import { generateCirrSet, generateFashionIqSet, generatePervlSet } from './scene-world/eval-datasets';
import { generateWorld } from './scene-world/generate-world';

/** Where generated fixtures go (git-ignored). */
export function fixturesDir(root = process.cwd()): string {
  return join(root, 'models', 'fixtures');
}

export interface FixturePaths {
  sceneClip: string;
  /** The scene towers in the MobileCLIP export layout (256 px, no mean/std, input_ids of fixed length 77). */
  sceneMobileClip: string;
  world: string;
  /** Tiny Stable Diffusion folders by UNet kind (4, 8 and 9 input channels). */
  sd: Record<UnetKind, string>;
  /** Mini evaluation sets in the CIRR, FashionIQ and PerVL-style formats, from the scene world. */
  eval: { cirr: string; fashioniq: string; pervl: string };
  /** Composer model folders for the scene-CLIP space, by composer. */
  composers: Record<'combiner' | 'gated' | 'compodiff', string>;
}

export function fixturePaths(root = process.cwd()): FixturePaths {
  const dir = fixturesDir(root);
  return {
    sceneClip: join(dir, 'clip-scene'),
    sceneMobileClip: join(dir, 'mobileclip-scene'),
    world: join(dir, 'scene-world'),
    sd: { text2img: join(dir, 'sd-tiny-text2img'), instruct: join(dir, 'sd-tiny-instruct'), inpaint: join(dir, 'sd-tiny-inpaint') },
    eval: { cirr: join(dir, 'eval', 'cirr'), fashioniq: join(dir, 'eval', 'fashioniq'), pervl: join(dir, 'eval', 'pervl') },
    composers: { combiner: join(dir, 'composer-combiner'), gated: join(dir, 'composer-gated'), compodiff: join(dir, 'composer-compodiff') },
  };
}

/** A hash of the generator sources: fixtures are rebuilt whenever the code that makes them changes. */
async function generatorHash(root: string): Promise<string> {
  const hash = createHash('sha256');
  const dirs = ['models/generators', 'models/scene-world', 'src-main/engine/models/onnx'];
  for (const dir of dirs) {
    for (const name of (await readdir(join(root, dir))).sort()) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) hash.update(name).update(await readFile(join(root, dir, name)));
    }
  }
  hash.update(await readFile(join(root, 'models', 'fixtures.ts')));
  return hash.digest('hex');
}

/** Generates every fixture model and the synthetic world unless they are already current. Returns their paths. */
export async function ensureFixtures(root = process.cwd(), log: (line: string) => void = () => {}): Promise<FixturePaths> {
  const dir = fixturesDir(root);
  const paths = fixturePaths(root);
  const stampFile = join(dir, '.stamp');
  const hash = await generatorHash(root);
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === hash) return paths;

  const started = performance.now();
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await generateSceneClip(paths.sceneClip, join(root, 'resources', 'clip-tokenizer'));
  await generateSceneMobileClip(paths.sceneMobileClip, join(root, 'resources', 'clip-tokenizer'));
  await generateSceneComposers(dir);
  await generateWorld(paths.world);
  await generateCirrSet(paths.eval.cirr);
  await generateFashionIqSet(paths.eval.fashioniq);
  await generatePervlSet(paths.eval.pervl);
  for (const [kind, folder] of Object.entries(paths.sd)) {
    await generateTinyStableDiffusion(folder, kind as UnetKind, join(root, 'resources', 'clip-tokenizer'));
  }
  await writeFile(stampFile, hash);
  log(`Generated fixture models in ${dir} (${Math.round(performance.now() - started)} ms).`);
  return paths;
}

/**
 * CLIP ViT-B/32 with the real architecture and random weights (≈600 MB), for benchmarks only; generated on first use
 * into models/fixtures-large/ (git-ignored), never by the tests. Beside the fp32 vision tower it writes the 8-bit
 * variant (onnx/vision_model_quantized.onnx) made as ONNX Runtime's dynamic quantizer makes it.
 */
export async function ensureRealSizeClip(root = process.cwd(), log: (line: string) => void = () => {}): Promise<string> {
  const dir = join(root, 'models', 'fixtures-large', 'clip-vit-b32-random');
  const stampFile = join(dir, '.stamp');
  const hash = createHash('sha256')
    .update(await readFile(join(root, 'models', 'generators', 'clip-architecture.ts')))
    .update(await readFile(join(root, 'src-main', 'engine', 'models', 'onnx', 'dynamic-quantize.ts')))
    .digest('hex');
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === hash) return dir;
  const started = performance.now();
  await rm(dir, { recursive: true, force: true });
  await generateRealSizeClip(dir, join(root, 'resources', 'clip-tokenizer'));
  await quantizeModelFolder(dir, ['vision_model']);
  await writeFile(stampFile, hash);
  log(`Generated real-size CLIP ViT-B/32 (random weights) in ${dir} (${Math.round(performance.now() - started)} ms).`);
  return dir;
}

/**
 * The instruction-edit fixture with a UNet that costs real compute per step (a stack of 3×3 convolutions whose
 * contribution is multiplied by zero), for measuring the editor's own overhead beside the UNet; benchmarks only.
 */
export async function ensureComputeHeavySd(root = process.cwd(), compute = { channels: 128, layers: 4 }): Promise<string> {
  const dir = join(root, 'models', 'fixtures-large', `sd-compute-instruct-${compute.channels}x${compute.layers}`);
  const stampFile = join(dir, '.stamp');
  const hash = createHash('sha256').update(await readFile(join(root, 'models', 'generators', 'stable-diffusion.ts'))).digest('hex');
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === hash) return dir;
  await rm(dir, { recursive: true, force: true });
  await generateTinyStableDiffusion(dir, 'instruct', join(root, 'resources', 'clip-tokenizer'), 23, compute);
  await writeFile(stampFile, hash);
  return dir;
}

/** The instruction-edit fixture with fp16 model interfaces (as `optimum-cli … --dtype fp16` exports), for the fp16 path. */
export async function ensureHalfSd(root = process.cwd()): Promise<string> {
  const paths = await ensureFixtures(root);
  const dir = join(fixturesDir(root), 'sd-tiny-instruct-fp16');
  if (existsSync(join(dir, '.stamp')) && (await readFile(join(dir, '.stamp'), 'utf8')) === (await readFile(join(fixturesDir(root), '.stamp'), 'utf8'))) return dir;
  await rm(dir, { recursive: true, force: true });
  await cp(paths.sd.instruct, dir, { recursive: true });
  for (const part of ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder']) {
    const file = join(dir, part, 'model.onnx');
    await writeFile(file, withHalfInterface(await readFile(file)));
  }
  await writeFile(join(dir, '.stamp'), await readFile(join(fixturesDir(root), '.stamp'), 'utf8'));
  return dir;
}
