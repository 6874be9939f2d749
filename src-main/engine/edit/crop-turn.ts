import { AppError, CropRequestSchema, type CropBox, type CropRequest, type ProjectView } from '@contract';
import { decodeRgb, encodePng, type Rgb } from '../shared/pixels';
import { boxInPixels, cropWorking } from './crop';
import { fullSizeAt } from './turn-render';
import type { TurnStore } from './turn-store';
import { workingSize } from './working-size';

/** A recipe's crop turn (the `index`-th) replayed on the working-size picture, as the turn made it. */
export function replayCrop(image: Rgb, box: CropBox | null, index: number): Promise<Rgb> {
  if (!box) throw new AppError('INVALID_PARAMS', `Turn ${index + 1} of the recipe is a crop without its box.`);
  return cropWorking(image, box, workingSize(box.width, box.height));
}

/** Adds a Crop turn under a turn (default: the cursor): the box in full-resolution pixels, its working-size picture. */
export async function addCropTurn(store: TurnStore, request: CropRequest, thumbnail: (png: Buffer) => Promise<Buffer>): Promise<ProjectView> {
  const req = CropRequestSchema.parse(request);
  const from = req.fromTurnId ?? store.view(req.projectId).cursor;
  const parent = store.turnRow(from);
  if (parent.project_id !== req.projectId) throw new AppError('INVALID_PARAMS', `Turn ${from} is not in project ${req.projectId}.`);
  const full = await fullSizeAt(store, from);
  const box = boxInPixels(req.box, full);
  const image = await cropWorking(await decodeRgb(store.filePath(parent)!), box, workingSize(box.width, box.height));
  const png = await encodePng(image);
  await store.addTurn({
    projectId: req.projectId,
    parentId: from,
    pipeline: 'crop',
    instruction: `Crop ${box.width}×${box.height}`,
    negative: '',
    params: null,
    modelId: null,
    provider: null,
    timings: null,
    crop: box,
    image: png,
    thumb: await thumbnail(png),
    mask: null,
  });
  return store.view(req.projectId);
}
