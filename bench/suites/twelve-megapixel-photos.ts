import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { Random } from '../../models/scene-world/random';

/** 12-megapixel JPEGs (4000×3000) with real structure and grain, generated once into models/fixtures-large/. */
export async function twelveMegapixelJpegs(count: number, log: (l: string) => void): Promise<string[]> {
  const dir = join(process.cwd(), 'models', 'fixtures-large', `jpeg-12mp-${count}`);
  if (!existsSync(join(dir, '.done'))) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const rng = new Random(99);
    for (let i = 0; i < count; i++) {
      const shapes = Array.from({ length: 12 }, () => {
        const [x, y, r] = [rng.range(0, 4000), rng.range(0, 3000), rng.range(100, 700)];
        const color = `rgb(${Math.floor(rng.range(0, 255))},${Math.floor(rng.range(0, 255))},${Math.floor(rng.range(0, 255))})`;
        return `<circle cx="${x}" cy="${y}" r="${r}" fill="${color}" opacity="0.8"/>`;
      }).join('');
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><defs><linearGradient id="g"><stop offset="0" stop-color="#345"/><stop offset="1" stop-color="#dca"/></linearGradient></defs><rect width="4000" height="3000" fill="url(#g)"/>${shapes}</svg>`;
      // Grain makes the files as heavy to decode as photos (flat vector art would compress to almost nothing).
      const noise = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 12 } } }).png().toBuffer();
      await sharp(Buffer.from(svg)).composite([{ input: noise, blend: 'overlay' }]).jpeg({ quality: 88 }).toFile(join(dir, `photo-${i}.jpg`));
    }
    await writeFile(join(dir, '.done'), '');
    log(`bench: generated ${count} 12-MP JPEGs in ${dir}`);
  }
  return (await readdir(dir)).filter((f) => f.endsWith('.jpg')).map((f) => join(dir, f));
}
