import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bombPng } from './bomb-png.mjs';

describe('bombPng', () => {
  it('claims 100000×100000 pixels in a few bytes, and the decoder refuses it', async () => {
    const bomb = bombPng();
    expect(bomb.length).toBeLessThan(200);
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ format: 'png', width: 100_000, height: 100_000 });
    await expect(sharp(bomb).raw().toBuffer()).rejects.toThrow(/pixel limit/);
  });
});
