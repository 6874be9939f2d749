import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePaths } from '../../../models/fixtures';
import { loadCirr } from './cirr';
import { joinCaptions, loadFashionIq } from './fashioniq';
import { loadPervl, withParentWord } from './pervl';

const SAMPLES = join(import.meta.dirname, 'samples');
const anyPng = () => join(fixturePaths().world, 'red-circle-0.png');

describe('CIRR loader on the real format (samples of cap.rc2.val / split.rc2.val)', () => {
  it('says where the missing images should go', async () => {
    await expect(loadCirr(join(SAMPLES, 'cirr'), 'val')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/133 images are missing.*NLVR2/) });
  });

  it('reads captions, hard targets and img_set members once the images are in place', async () => {
    const images = await mkdtemp(join(tmpdir(), 'studio-cirr-'));
    const split = JSON.parse(await readFile(join(SAMPLES, 'cirr', 'split.rc2.val.sample.json'), 'utf8')) as Record<string, string>;
    for (const rel of Object.values(split)) {
      await mkdir(dirname(join(images, rel)), { recursive: true });
      await copyFile(anyPng(), join(images, rel));
    }
    const set = await loadCirr(join(SAMPLES, 'cirr'), 'val', images);
    expect(set.queries).toHaveLength(50);
    expect(set.queries[0]).toMatchObject({ pairid: 12060, reference: 'dev-244-0-img0', target: 'dev-1028-1-img1', caption: 'show three bottles of soft drink' });
    expect(set.queries.every((q) => set.images.has(q.reference) && set.images.has(q.target!) && q.members.length === 6)).toBe(true);
    const test = JSON.parse(await readFile(join(SAMPLES, 'cirr', 'split.rc2.test1.sample.json'), 'utf8')) as Record<string, string>;
    for (const rel of Object.values(test)) {
      await mkdir(dirname(join(images, rel)), { recursive: true });
      await copyFile(anyPng(), join(images, rel));
    }
    const test1 = await loadCirr(join(SAMPLES, 'cirr'), 'test1', images);
    expect(test1.queries.every((q) => q.target === null)).toBe(true);
  });

  it('names the file and the entry that do not match the format', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-cirr-bad-'));
    await writeFile(join(dir, 'cap.rc2.val.json'), JSON.stringify([{ pairid: 'x', reference: 'a', caption: 'c', img_set: { id: 1, members: ['a'] } }]));
    await writeFile(join(dir, 'split.rc2.val.json'), '{}');
    await expect(loadCirr(dir)).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/cap\.rc2\.val\.json does not match the expected format at 0\.pairid/) });
    await expect(loadCirr(join(dir, 'nothing'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/No cap\.rc2\.val\.json/) });
  });
});

describe('FashionIQ loader on the real format', () => {
  it('finds the categories, joins the two captions as CLIP4Cir does, and needs the images', async () => {
    await expect(loadFashionIq(join(SAMPLES, 'fashioniq'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/images are missing.*asin2url/) });
    const images = await mkdtemp(join(tmpdir(), 'studio-fiq-'));
    for (const category of ['dress', 'shirt', 'toptee']) {
      const ids = JSON.parse(await readFile(join(SAMPLES, 'fashioniq', `split.${category}.val.sample.json`), 'utf8')) as string[];
      for (const id of ids) await copyFile(anyPng(), join(images, `${id}.jpg`));
    }
    const categories = await loadFashionIq(join(SAMPLES, 'fashioniq'), 'val', images);
    expect(categories.map((c) => c.name)).toEqual(['dress', 'shirt', 'toptee']);
    expect(categories[0]!.queries).toHaveLength(15);
    expect(categories[0]!.queries[0]).toEqual({ candidate: 'B005X4PL1G', target: 'B0084Y8XIU', text: 'Is shiny and silver with shorter sleeves and fit and flare' });
  });

  it('cleans captions as CLIP4Cir does', () => {
    expect(joinCaptions([' is a tan shirt.', 'has buttons?'])).toBe('Is a tan shirt and has buttons');
  });
});

describe('PerVL-style format', () => {
  it('loads the generated set and names the concept by its parent word for text-only search', async () => {
    const set = await loadPervl(fixturePaths().eval.pervl);
    expect(set.concepts.length).toBeGreaterThanOrEqual(3);
    expect(set.queries.every((q) => q.targets.every((t) => set.gallery.includes(t)))).toBe(true);
    expect(withParentWord('a photo of *sunny on the left', { name: 'sunny', parent: 'circle' })).toBe('a photo of circle on the left');
  });

  it('refuses a query about an undefined concept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'studio-pervl-'));
    await writeFile(join(dir, 'pervl.json'), JSON.stringify({ concepts: [{ name: 'a', parent: 'mug', train: ['x.png'] }], queries: [{ concept: 'b', text: '*b', targets: ['y.png'] }] }));
    await expect(loadPervl(dir)).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/concept “b”/) });
  });
});
