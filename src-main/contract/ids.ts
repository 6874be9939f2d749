import { z } from 'zod';

/** A content hash (sha256, lower-case hex): what names an upload, a photo's bytes and a neighbour in a recipe. */
export const CONTENT_HASH = /^[0-9a-f]{64}$/;

/** Finds every content hash inside a larger text (a saved query, a recipe's JSON). */
export function contentHashesIn(text: string): string[] {
  return text.match(/[0-9a-f]{64}/g) ?? [];
}

/** An upload's id: the content hash of its bytes. */
export const UploadIdSchema = z.string().regex(CONTENT_HASH);

/** A job's id as clients send it back (the engine makes UUIDs; anything longer is refused before a lookup). */
export const JobIdSchema = z.string().min(1).max(64);
