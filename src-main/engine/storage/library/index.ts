import type { Db } from '../db';
import { AlbumsRepository } from './albums-repository';
import { ConceptsRepository } from './concepts-repository';
import { DuplicatesRepository } from './duplicates-repository';
import { EmbeddingsRepository } from './embeddings-repository';
import { FilesRepository } from './files-repository';
import { ItemsRepository } from './items-repository';
import { ListingRepository } from './listing-repository';
import { RootsRepository } from './roots-repository';
import { SavedQueriesRepository } from './saved-queries-repository';
import { TagsRepository } from './tags-repository';

export { AlbumsRepository, ConceptsRepository, DuplicatesRepository, EmbeddingsRepository, FilesRepository, ItemsRepository, ListingRepository, RootsRepository, SavedQueriesRepository, TagsRepository };

/** The photo library's repositories over one library database. */
export interface LibraryRepositories {
  roots: RootsRepository;
  files: FilesRepository;
  items: ItemsRepository;
  listing: ListingRepository;
  tags: TagsRepository;
  duplicates: DuplicatesRepository;
  embeddings: EmbeddingsRepository;
  albums: AlbumsRepository;
}

export function libraryRepositories(db: Db): LibraryRepositories {
  return {
    roots: new RootsRepository(db),
    files: new FilesRepository(db),
    items: new ItemsRepository(db),
    listing: new ListingRepository(db),
    tags: new TagsRepository(db),
    duplicates: new DuplicatesRepository(db),
    embeddings: new EmbeddingsRepository(db),
    albums: new AlbumsRepository(db),
  };
}
