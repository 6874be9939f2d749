import { thumbUrlOf } from '@contract';
import type { ClipModel } from '../clip/clip-model';
import type { Concepts } from '../concepts/concepts';
import type { Db } from '../storage/db';
import { ItemsRepository } from '../storage/library/items-repository';
import { ListingRepository } from '../storage/library/listing-repository';
import type { Library } from '../library/library';
import { ftsHits } from '../library/search';
import type { ModelStore } from '../models/model-store';
import type { SessionPool } from '../models/session-pool';
import type { GroundingDeps } from './grounding';

/** Grounding's view of the engine: the library's two rankings, items, concept photos, models. */
export function groundingDeps(engine: {
  db: Db;
  library: Library;
  concepts: Concepts;
  clip: (model: string) => Promise<ClipModel | null>;
  models: () => ModelStore;
  pool: SessionPool;
  provider: () => string;
  uploadPath: (id: string) => string;
}): GroundingDeps {
  const { library, concepts } = engine;
  const listing = new ListingRepository(engine.db);
  const items = new ItemsRepository(engine.db);
  return {
    models: engine.models,
    pool: engine.pool,
    provider: engine.provider,
    conceptPhotos: (name) => concepts.photoFiles(name),
    conceptPhotoWithHash: (hash) => concepts.photoWithHash(hash),
    clipRanking: async (text, limit) => {
      const model = library.servingModel();
      const clip = await engine.clip(model);
      if (!clip) return null;
      const vector = (await clip.encodeTexts([text]))[0]!;
      return (await library.search({ limit }, clip, vector, model)).items.map((i) => i.id);
    },
    nameRanking: (text, limit) => {
      const hits = ftsHits(listing, text);
      const indexed = new Set(listing.items([...hits.keys()]).map((r) => r.id));
      return [...hits.entries()]
        .filter(([id]) => indexed.has(id))
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([id]) => id);
    },
    item: (id) => {
      const item = library.item(id);
      return { path: item.path, name: item.name, thumb: thumbUrlOf(item), hash: items.hashOf(id) };
    },
    itemsWithHash: (hash) => library.itemsWithHash(hash),
    uploadPath: engine.uploadPath,
    describe: (text) => concepts.describe(text).text,
  };
}
