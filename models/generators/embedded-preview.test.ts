import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { withExifThumbnail, withMpfPreview } from './embedded-preview';

const jpeg = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } }).jpeg().toBuffer();

describe('camera-style JPEG generators', () => {
  it('writes an MPF segment after APP0/APP1 and the preview after the main image’s EOI', async () => {
    const main = await sharp(await jpeg(64, 48, '#f00')).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const preview = await jpeg(32, 24, '#00f');
    const file = withMpfPreview(main, preview);
    expect(file.subarray(file.length - preview.length).equals(preview)).toBe(true);
    const mpf = file.indexOf(Buffer.from('MPF\0', 'latin1'));
    expect(file.readUInt16BE(mpf - 4)).toBe(0xffe2);
    // The segments before it are the main image's own metadata; the main image keeps its size and orientation.
    expect(file.indexOf(Buffer.from('Exif\0\0', 'latin1'))).toBeLessThan(mpf);
    expect(await sharp(file).metadata()).toMatchObject({ width: 64, height: 48, orientation: 6 });
    // The preview entry's offset counts from the MP header ("MM" right after "MPF\0").
    const header = mpf + 4;
    expect(file.subarray(header, header + 4).toString('latin1')).toBe('MM\0*');
    const offset = file.readUInt32BE(header + 50 + 16 + 8);
    expect(header + offset).toBe(file.length - preview.length);
  });

  it('writes an IFD1 thumbnail where IFD1 points, IFD0’s orientation, and refuses a thumbnail too big for an APP1 segment', async () => {
    const thumb = await jpeg(336, 224, '#0f0');
    const file = withExifThumbnail(await jpeg(900, 600, '#f00'), thumb, { orientation: 8 });
    const tiff = file.indexOf(Buffer.from('Exif\0\0', 'latin1')) + 6;
    const ifd1 = tiff + file.readUInt32BE(tiff + 8 + 2 + 12);
    expect([file.readUInt16BE(ifd1 + 2 + 12), file.readUInt16BE(ifd1 + 2 + 24)]).toEqual([0x0201, 0x0202]);
    const [offset, length] = [file.readUInt32BE(ifd1 + 2 + 12 + 8), file.readUInt32BE(ifd1 + 2 + 24 + 8)];
    expect(file.subarray(tiff + offset, tiff + offset + length).equals(thumb)).toBe(true);
    expect(await sharp(file).metadata()).toMatchObject({ width: 900, height: 600, orientation: 8 });
    const noisy = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#888', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg().toBuffer();
    expect(() => withExifThumbnail(file, thumb)).toThrow(/already has EXIF/);
    expect(() => withExifThumbnail(thumb, noisy)).toThrow(/does not fit/);
  });
});
