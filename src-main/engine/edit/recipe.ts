import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sharp } from '../shared/native-packages';
import { CropBoxSchema, type Recipe } from '@contract';
import type { UnetKind } from './sd-model';
import type { TurnStore } from './turn-store';

export const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The recipe of the chain up to a turn: the source picture, and each turn's instruction, mask, knobs and model.
 * `provider` stands in when the chain has no turn yet (a recipe of the source alone).
 */
export async function turnRecipe(store: TurnStore, turnId: number, provider: string): Promise<Recipe> {
  const chain = store.chain(turnId);
  // A grounded turn's picture is the source of the turns after it (its own grounded recipe replays it).
  const lastGrounded = chain.findLastIndex((t) => t.pipeline.startsWith('grounded'));
  const [source, ...turns] = lastGrounded >= 0 ? chain.slice(lastGrounded) : chain;
  const sourcePng = await readFile(store.filePath(source!)!);
  const meta = await sharp(sourcePng).metadata();
  return {
    format: 'compose-studio.recipe',
    version: 1,
    createdAt: new Date().toISOString(),
    provider: turns.at(-1)?.provider ?? provider,
    source: { width: meta.width!, height: meta.height!, sha256: sha256(sourcePng), png: sourcePng.toString('base64') },
    turns: await Promise.all(
      turns.map(async (t) => {
        const maskFile = store.filePath(t, 'mask');
        return {
          pipeline: t.pipeline as UnetKind | 'crop',
          instruction: t.instruction,
          negative: t.negative,
          params: t.params ? JSON.parse(t.params) : null,
          crop: t.crop ? CropBoxSchema.parse(JSON.parse(t.crop)) : null,
          modelId: t.model_id ?? '',
          mask: maskFile ? (await readFile(maskFile)).toString('base64') : null,
          resultSha256: sha256(await readFile(store.filePath(t)!)),
        };
      }),
    ),
  };
}
