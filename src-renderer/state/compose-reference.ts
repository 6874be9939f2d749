import { thumbUrlOf, type LibraryItem, type SavedQuery } from '@contract';
import type { StudioClient } from '../api/client';
import { previewOf } from './previews';

/** The reference picture of a composed search: a library photo, or a picture the designer dropped (an upload). */
export type ComposeReference =
  | { kind: 'item'; itemId: number; name: string; src: string | null }
  | { kind: 'upload'; uploadId: string; name: string; src: string | null };

export function itemReference(item: Pick<LibraryItem, 'id' | 'name' | 'thumb'>): ComposeReference {
  return { kind: 'item', itemId: item.id, name: item.name, src: thumbUrlOf(item) };
}

/** A saved query's reference as the panel shows it: the library photo as it is now, or the upload's kept preview. */
export async function savedReference(client: StudioClient, saved: SavedQuery): Promise<ComposeReference | null> {
  const reference = saved.query.reference;
  if (!reference) return null;
  if ('itemId' in reference) return itemReference(await client.call('library.item', { id: reference.itemId }));
  return { kind: 'upload', uploadId: reference.uploadId, name: saved.name, src: previewOf(reference.uploadId) };
}
