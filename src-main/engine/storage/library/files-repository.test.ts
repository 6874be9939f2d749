import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db';
import { EmbeddingsRepository } from './embeddings-repository';
import { FilesRepository } from './files-repository';
import { NO_METADATA, type IndexedFacts, type ScannedFileRecord } from './records';
import { TagsRepository } from './tags-repository';

const scanned = (path: string, size = 10, unsupported: string | null = null): ScannedFileRecord => ({ path, size, mtimeMs: 1, format: unsupported ? null : 'png', unsupported });
const facts = (hash: string): IndexedFacts => ({
  hash,
  format: 'png',
  width: 4,
  height: 3,
  orientation: null,
  thumb: `${hash}.webp`,
  ...NO_METADATA,
  keywords: ['holiday'],
});

function library() {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/p', 0)").run();
  const status = (path: string) => db.prepare('SELECT status FROM files WHERE path = ?').pluck().get(path);
  return { db, files: new FilesRepository(db), embeddings: new EmbeddingsRepository(db), tags: new TagsRepository(db), status };
}

describe('files repository', () => {
  it('reconciles a scan: new, changed, unsupported, and missing unless its folder could not be read', async () => {
    const { files, status } = library();
    expect(await files.reconcileScan(1, [scanned('/p/a.png'), scanned('/p/b.png'), scanned('/p/locked/c.png')], [])).toEqual({ added: 3, changed: 0 });
    expect(await files.reconcileScan(1, [scanned('/p/a.png', 11), scanned('/p/x.cr2', 5, 'RAW files are not supported')], ['/p/locked'])).toEqual({ added: 1, changed: 1 });
    expect([status('/p/a.png'), status('/p/b.png'), status('/p/locked/c.png'), status('/p/x.cr2')]).toEqual(['pending', 'missing', 'pending', 'unsupported']);
    expect(files.pending().map((f) => f.path)).toEqual(['/p/a.png', '/p/locked/c.png']);
  });

  it('reconciles in small transactions with the event loop turning between them, with the same outcome', async () => {
    const { files, status } = library();
    const paths = Array.from({ length: 25 }, (_, i) => `/p/${i}.png`);
    let turns = 0;
    let stop = false;
    const spin = () => {
      turns++;
      if (!stop) setImmediate(spin);
    };
    setImmediate(spin);
    const first = await files.reconcileScan(1, paths.map((p) => scanned(p)), [], 4);
    expect(first).toEqual({ added: 25, changed: 0 });
    // 11 of them changed, 7 vanished: reading back the 25 known rows pages through them too.
    const rescan = paths.slice(7).map((p, i) => scanned(p, i < 11 ? 50 : 10));
    expect(await files.reconcileScan(1, rescan, [], 4)).toEqual({ added: 0, changed: 11 });
    stop = true;
    // At least one turn per chunk of the first call (25 files in chunks of 4).
    expect(turns).toBeGreaterThanOrEqual(7);
    expect(paths.map(status)).toEqual([...Array(7).fill('missing'), ...Array(18).fill('pending')]);
    expect(files.pending()).toHaveLength(18);
  });

  it('keeps a moved photo’s id, embedding and tags; a changed photo loses its old embedding', async () => {
    const { files, embeddings, tags, status } = library();
    await files.reconcileScan(1, [scanned('/p/old.png'), scanned('/p/edited.png')], []);
    const [old, edited] = files.pending();
    for (const f of [old!, edited!]) files.recordIndexed(f, facts(f.name), undefined, 1);
    embeddings.store('m', [old!, edited!].map((f) => ({ id: f.id, vector: Float32Array.of(1, 0) })));
    tags.add(old!.id, ['client-x']);

    // old.png moved to new/old.png; edited.png changed.
    await files.reconcileScan(1, [scanned('/p/new/old.png'), scanned('/p/edited.png', 99)], []);
    expect(status('/p/old.png')).toBe('missing');
    const [changed, moved] = files.pending();
    expect(files.missingWithHash('old.png')).toBe(old!.id);
    expect(files.recordIndexed(moved!, facts('old.png'), files.missingWithHash('old.png'), 1)).toBe(old!.id);
    expect(files.recordIndexed(changed!, facts('edited-2'), files.missingWithHash('edited-2'), 1)).toBe(edited!.id);

    expect(status('/p/old.png')).toBeUndefined();
    expect(status('/p/new/old.png')).toBe('indexed');
    expect(embeddings.vector(old!.id, 'm')).toEqual(Float32Array.of(1, 0));
    expect(embeddings.vector(edited!.id, 'm')).toBeNull();
    expect(tags.of(old!.id)).toEqual(['client-x', 'holiday']);
    expect(files.removeMissing()).toEqual([]);
    expect(embeddings.countMissing('m')).toBe(1);
  });
});
