import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from '../scene-world/random';
import { FEATURES } from '../scene-world/vocabulary';
import { buildTextModel, buildTokenTable, buildVisionModel, sceneClipProjection } from './scene-clip';

/** MobileCLIP's input: 256 px, bilinear, pixels rescaled to [0, 1] and not normalized (Xenova/mobileclip_s0's config). */
export const MOBILECLIP_SIZE = 256;
export const SCENE_MOBILECLIP_SEED = 29;
/** OpenCLIP's text context: the MobileCLIP exports take input_ids of exactly this length. */
const CONTEXT = 77;

/**
 * "Scene MobileCLIP": the scene-CLIP towers laid out like the Xenova/mobileclip_* exports — onnx/vision_model.onnx
 * (pixel_values [batch, 3, 256, 256] of plain [0, 1] RGB → image_embeds), onnx/text_model.onnx (input_ids [batch, 77]
 * only → text_embeds), a preprocessor_config.json with 256 px, resample 2 and do_normalize false, and CLIP's tokenizer.
 * Its own seed gives it an embedding space unlike scene CLIP's, so vectors of one never pass for the other's.
 */
export async function generateSceneMobileClip(outDir: string, tokenizerDir: string, seed = SCENE_MOBILECLIP_SEED): Promise<void> {
  const rng = new Random(seed);
  const vocab = (JSON.parse(await readFile(join(tokenizerDir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
  const projection = sceneClipProjection(seed, rng);
  const { table, vocabSize } = buildTokenTable(vocab, rng);
  const positions = Float32Array.from({ length: CONTEXT * FEATURES.length }, () => 0.001 * rng.gaussian());

  await mkdir(join(outDir, 'onnx'), { recursive: true });
  await writeFile(join(outDir, 'onnx', 'vision_model.onnx'), buildVisionModel(projection, { size: MOBILECLIP_SIZE, normalized: false }));
  await writeFile(join(outDir, 'onnx', 'text_model.onnx'), buildTextModel(table, vocabSize, positions, projection, CONTEXT));
  for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    await writeFile(join(outDir, file), await readFile(join(tokenizerDir, file)));
  }
  const preprocessor = {
    crop_size: { height: MOBILECLIP_SIZE, width: MOBILECLIP_SIZE },
    do_center_crop: true,
    do_normalize: false,
    do_rescale: true,
    do_resize: true,
    feature_extractor_type: 'CLIPFeatureExtractor',
    image_processor_type: 'CLIPImageProcessor',
    resample: 2,
    rescale_factor: 1 / 255,
    size: { shortest_edge: MOBILECLIP_SIZE },
  };
  await writeFile(join(outDir, 'preprocessor_config.json'), JSON.stringify(preprocessor, null, 2));
  await writeFile(join(outDir, 'config.json'), JSON.stringify({ model_type: 'mobileclip', projection_dim: 512, fixture: 'scene-mobileclip' }, null, 2));
}
