import { initial } from './0001-initial';
import { savedQueries } from './0002-saved-queries';
import { concepts } from './0003-concepts';
import { failureKind } from './0004-failure-kind';
import { photoDetails } from './0005-photo-details';

/** Numbered, append-only: never edit a released migration, add the next one. Index i is schema version i + 1. */
export const MIGRATIONS: readonly string[] = [initial, savedQueries, concepts, failureKind, photoDetails];
