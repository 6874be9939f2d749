import { sharp } from '../shared/native-packages';
import type { Rgb } from '../shared/pixels';

/** A step's latent preview as a data URL, scaled up (nearest) so the renderer shows it crisp. */
export async function stepPreview(preview: Rgb): Promise<string> {
  const png = await sharp(Buffer.from(preview.data), { raw: { width: preview.width, height: preview.height, channels: 3 } })
    .resize(Math.max(64, preview.width * 2), undefined, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
