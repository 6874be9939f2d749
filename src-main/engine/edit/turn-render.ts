import { ExportRequestSchema, type ExportRequest } from '@contract';
import { decodeOriginal, encodeExport, exportFileName, renderFullSize, type ChainStep } from './full-size';
import { decodeMask, decodeRgb } from '../shared/pixels';
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
 * A turn at the original's full size (its change upscaled onto the full-resolution original; outside the masks the
 * original's pixels), encoded as asked, with the file name it is offered under.
 */
export async function renderTurn(store: TurnStore, request: ExportRequest): Promise<RenderedTurn> {
  const { turnId, format, quality, maxSide } = ExportRequestSchema.parse(request);
  const chain = store.chain(turnId);
  const last = chain.at(-1)!;
  const view = store.view(last.project_id);
  const steps: ChainStep[] = await Promise.all(
    chain.map(async (row) => {
      const maskFile = store.filePath(row, 'mask');
      const mask = maskFile ? await decodeMask(maskFile, view.width, view.height) : null;
      return { pipeline: row.pipeline, image: await decodeRgb(store.filePath(row)!), mask: mask ? Uint8Array.from(mask.data, (v) => Math.round(v * 255)) : null };
    }),
  );
  const originalFile = store.originalPath(last.project_id);
  const original = originalFile ? await decodeOriginal(originalFile) : steps[0]!.image;
  const full = await renderFullSize(original, steps);
  const { bytes, width, height } = await encodeExport(full, format, quality, maxSide);
  const label = last.parent_id === null ? 'original' : (last.label ?? last.instruction);
  return { projectId: last.project_id, bytes, width, height, format, fileName: exportFileName(view.name, label, format) };
}
