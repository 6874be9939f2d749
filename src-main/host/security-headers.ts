/** The map's online tile host, allowed only while the user has "Online map tiles" on. */
export const MAP_TILE_ORIGIN = 'https://tile.openstreetmap.org';

/**
 * The renderer's Content-Security-Policy, shared by the loopback host and Electron's protocol handler:
 * only the app's own scripts; styles may be inline (Svelte sets style attributes); images from the app,
 * data: and blob: (canvas exports), and the map's tile host only when online map tiles are on; connections only back
 * to the app (its WebSocket).
 */
export function contentSecurityPolicy(options: { onlineMapTiles?: boolean } = {}): string {
  return [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: blob:${options.onlineMapTiles ? ` ${MAP_TILE_ORIGIN}` : ''}`,
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  ].join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** The headers of every response; the policy allows map tiles only when `onlineMapTiles` is on. */
export function securityHeaders(options: { onlineMapTiles?: boolean } = {}): Record<string, string> {
  return { ...SECURITY_HEADERS, 'Content-Security-Policy': contentSecurityPolicy(options) };
}

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
