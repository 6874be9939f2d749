import { describe, expect, it } from 'vitest';
import { checkDroppedImage, sniffImage } from './dropped-image';

const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => new TextEncoder().encode(s);

describe('dropped files', () => {
  it('tells pictures by their first bytes, not their names', () => {
    expect(sniffImage(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(sniffImage(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('png');
    expect(sniffImage(text('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffImage(text('\0\0\0\x1cftypavif'))).toBe('avif');
    expect(sniffImage(text('GIF89a'))).toBe('gif');
    expect(sniffImage(bytes(0x49, 0x49, 0x2a, 0x00))).toBe('tiff');
    expect(sniffImage(text('Dear designer, this is a text file.'))).toBeNull();
    expect(sniffImage(bytes())).toBeNull();
  });

  it('names the user’s own file when it is empty or not a picture', async () => {
    expect(await checkDroppedImage(new File([], 'empty.jpg'))).toBe('“empty.jpg” is empty (0 bytes).');
    expect(await checkDroppedImage(new File(['just some notes'], 'notes.txt'))).toMatch(/^“notes\.txt” is not a picture/);
    expect(await checkDroppedImage(new File(['not really a jpeg'], 'fake.jpg', { type: 'image/jpeg' }))).toMatch(/^“fake\.jpg” is not a picture/);
    // TIFF is not decoded in the browser; its header is enough here (the engine decodes it).
    expect(await checkDroppedImage(new File([bytes(0x49, 0x49, 0x2a, 0x00, 1, 2, 3)], 'scan.tif'))).toBeNull();
  });
});
