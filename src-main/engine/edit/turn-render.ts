import { CropBoxSchema, ExportRequestSchema, type ExportRequest } from '@contract';
import { decodeOriginal, encodeExport, exportFileName, renderFullSize, type ChainStep } from './full-size';
import { decodeMask, decodeRgb, type Rgb } from '../shared/pixels';
import { cropFull } from './crop';
import type { TurnStore } from './turn-store';

export interface RenderedTurn {
  projectId: number;
  bytes: Buffer;
  width: number;
  height: number;
  format: ExportRequest['format'] & string;
  fileName: string;
}

/**
 * A turn's picture at the original's full resolution. A crop turn cuts its box from the full-size render of its parent
 * and starts a new stretch: the turns after it add their change onto that cut, as the first stretch does onto the original.
 */
export async function fullSizeAt(store: TurnStore, turnId: number): Promise<Rgb> {
  const chain = store.chain(turnId);
  const steps: ChainStep[] = await Promise.all(
    chain.map(async (row) => {
      const image = await decodeRgb(store.filePath(row)!);
      const maskFile = store.filePath(row, 'mask');
      const mask = maskFile ? await decodeMask(maskFile, image.width, image.height) : null;
      return { pipeline: row.pipeline === 'crop' ? 'source' : row.pipeline, image, mask: mask ? Uint8Array.from(mask.data, (v) => Math.round(v * 255)) : null };
    }),
  );
  const originalFile = store.originalPath(chain[0]!.project_id);
  let base = originalFile ? await decodeOriginal(originalFile) : steps[0]!.image;
  let start = 0;
  for (const [i, row] of chain.entries()) {
    if (i === 0 || row.pipeline !== 'crop') continue;
    base = await cropFull(await renderFullSize(base, steps.slice(start, i)), CropBoxSchema.parse(JSON.parse(row.crop!)));
    start = i;
  }
  return renderFullSize(base, steps.slice(start));
}

/**
 * A turn at the original's full size (its change upscaled onto the full-resolution original; outside the masks the
 * original's pixels), encoded as asked, with the file name it is offered under.
 */
export async function renderTurn(store: TurnStore, request: ExportRequest): Promise<RenderedTurn> {
  const { turnId, format, quality, maxSide } = ExportRequestSchema.parse(request);
  const last = store.turnRow(turnId);
  const view = store.view(last.project_id);
  const full = await fullSizeAt(store, turnId);
  const { bytes, width, height } = await encodeExport(full, format, quality, maxSide);
  const label = last.parent_id === null ? 'original' : (last.label ?? last.instruction);
  return { projectId: last.project_id, bytes, width, height, format, fileName: exportFileName(view.name, label, format) };
}
