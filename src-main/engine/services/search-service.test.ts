import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError, type SearchQuery } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import type { ClipProvider } from '../clip/clip-provider';
import type { Library } from '../library/library';
import { SearchService } from './search-service';

/** A library mid model switch: the old 8-bit vectors still serve searches while the new model embeds. */
async function fixture(installed: boolean) {
  const uploadsDir = await mkdtemp(join(tmpdir(), 'studio-search-service-'));
  const asked: string[] = [];
  const searched: { query: SearchQuery; model: string | undefined; vector: Float32Array | undefined; encoder: ClipModel | null }[] = [];
  const encoder = { encodeImages: async (inputs: unknown[]) => inputs.map(() => ({ ok: true, embedding: new Float32Array([1, 0]) })) } as unknown as ClipModel;
  const clip = {
    get: async (key: string) => (asked.push(key), installed ? encoder : null),
    require: async (key: string) => {
      asked.push(key);
      if (!installed) throw new AppError('MODEL_MISSING', `${key} is not installed.`);
      return encoder;
    },
  } as unknown as ClipProvider;
  const library = {
    servingModel: () => 'clip-vit-b32@int8',
    search: async (query: SearchQuery, encoder: ClipModel | null, vector?: Float32Array, model?: string) => (searched.push({ query, model, vector, encoder }), { items: [], total: 0, note: null }),
  } as unknown as Library;
  const service = new SearchService({
    library,
    clip,
    concepts: { has: () => false, encodeQuery: async () => new Float32Array(2) },
    uploadPath: (id) => join(uploadsDir, id),
    composedSearch: {} as never,
    composers: {} as never,
    savedQueries: {} as never,
  });
  return { service, asked, searched, uploadsDir };
}

describe('SearchService', () => {
  it('embeds a picture with the model that serves searches (the CLI --image path and a dropped upload alike)', async () => {
    const { service, asked, searched, uploadsDir } = await fixture(true);
    await service.byImage(Buffer.from('png'), { limit: 3 });
    const upload = 'a'.repeat(64);
    await writeFile(join(uploadsDir, upload), 'png');
    await service.search({ uploadId: upload, limit: 3 });
    expect(asked).toEqual(['clip-vit-b32@int8', 'clip-vit-b32@int8']);
    expect(searched.map((s) => [s.model, [...s.vector!]])).toEqual([
      ['clip-vit-b32@int8', [1, 0]],
      ['clip-vit-b32@int8', [1, 0]],
    ]);
  });

  it('refuses a picture search without the CLIP model, saying so; words still search names', async () => {
    const { service, searched } = await fixture(false);
    await expect(service.byImage(Buffer.from('png'), { limit: 3 })).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    await service.search({ text: 'beach', limit: 3 });
    expect(searched).toHaveLength(1);
    expect(searched[0]).toMatchObject({ model: 'clip-vit-b32@int8', vector: undefined });
  });

  it('answers "more like this" without loading the encoder (the stored vector ranks); words load it', async () => {
    const { service, asked, searched } = await fixture(true);
    await service.search({ likeId: 42, limit: 10 });
    expect(asked).toEqual([]);
    expect(searched[0]).toMatchObject({ query: { likeId: 42 }, model: 'clip-vit-b32@int8', encoder: null });
    await service.search({ text: 'beach', limit: 3 });
    expect(asked).toEqual(['clip-vit-b32@int8']);
    expect(searched[1]!.encoder).not.toBeNull();
  });
});
