import { z } from 'zod';
import { WireErrorSchema } from './errors';

/**
 * Every URL a host serves besides the renderer itself, built and matched here only: the engine builds resource URLs
 * with these builders, the renderer and the hosts (HTTP and the desktop app's studio:// protocol) match them with
 * the same patterns.
 */
export const ROUTES = {
  /** The WebSocket of the browser host. */
  socket: '/ws',
  /** POST a dropped file's bytes; answers UploadAnswer. */
  uploads: '/uploads',
} as const;

/** Folders of files served read-only by prefix: thumbnails (and large renditions) and edit projects' pictures. */
export const FILE_ROUTES = {
  thumbs: '/thumbs/',
  turns: '/turns/',
} as const;
export type FileRoute = keyof typeof FILE_ROUTES;

/** What POST /uploads answers: the upload's id, or the contract's error value. */
export const UploadAnswerSchema = z.union([z.object({ id: z.string() }), z.object({ error: WireErrorSchema })]);
export type UploadAnswer = z.infer<typeof UploadAnswerSchema>;

/** The URL of a file in the thumbnail folder (a library thumbnail, a concept photo, a large rendition). */
export function thumbUrl(relativePath: string): string {
  return fileUrl('thumbs', relativePath);
}

/** A library item's thumbnail URL, or null when it has none yet. */
export function thumbUrlOf(item: { thumb: string | null }): string | null {
  return item.thumb ? thumbUrl(item.thumb) : null;
}

/** The URL of a file of an edit project (a turn's picture, its thumbnail, mask or export). */
export function turnFileUrl(projectId: number, name: string): string {
  return fileUrl('turns', `${projectId}/${name}`);
}

function fileUrl(route: FileRoute, relativePath: string): string {
  // Names go out as they are (the browser encodes what it must); only names that could leave the folder are refused.
  if (!relativePath.split('/').every(isSafeSegment)) throw new Error(`Not a file under ${FILE_ROUTES[route]}: ${relativePath}`);
  return `${FILE_ROUTES[route]}${relativePath}`;
}

/**
 * Which file route a URL path is under, and the rest of the path (URL-encoded, from its leading "/") for the host to
 * resolve inside that route's folder; null for paths of no file route, and for anything that could leave the folder
 * (.., encoded separators or dots, backslashes, NUL, empty parts).
 */
export function matchFileRoute(urlPath: string): { route: FileRoute; rest: string } | null {
  for (const route of Object.keys(FILE_ROUTES) as FileRoute[]) {
    const prefix = FILE_ROUTES[route];
    if (!urlPath.startsWith(prefix)) continue;
    const rest = urlPath.slice(prefix.length);
    try {
      if (!rest.split('/').every((p) => isSafeSegment(decodeURIComponent(p)))) return null;
    } catch {
      return null;
    }
    return { route, rest: `/${rest}` };
  }
  return null;
}

/** Whether a URL path is under one of the file routes (then it is served from that folder or not at all). */
export function isFileRoutePath(urlPath: string): boolean {
  return Object.values(FILE_ROUTES).some((prefix) => urlPath.startsWith(prefix));
}

function isSafeSegment(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..' && !/[/\\\0]/.test(segment);
}
