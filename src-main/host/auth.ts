import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** A fresh secret per launch; it is the only credential, so 32 random bytes. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie is per port, so studios on different ports of one host do not overwrite each other's. */
export function cookieName(port: number): string {
  return `studio_token_${port}`;
}

function cookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The token a request carries: ?token=, Authorization: Bearer, or the per-port cookie. */
export function requestToken(req: IncomingMessage, port: number): { token: string | null; fromQuery: boolean } {
  const url = new URL(req.url ?? '/', 'http://placeholder');
  const query = url.searchParams.get('token');
  if (query) return { token: query, fromQuery: true };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7).trim(), fromQuery: false };
  return { token: cookie(req.headers.cookie, cookieName(port)), fromQuery: false };
}

export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1';
  return false;
}

/** Host headers a request may carry, or 'any' when bound to a wildcard address for remote use. */
export type HostPolicy = Set<string> | 'any';

/**
 * Host names a request may address: loopback names always, plus the bound address. Checking the name defeats
 * DNS-rebinding pages that would otherwise reach the studio under a foreign name. The port is not compared (as Jupyter
 * does): an SSH tunnel or a proxy may forward another local port, and a rebinding page cannot choose the name anyway.
 */
export function allowedHosts(bindHost: string): HostPolicy {
  if (bindHost === '0.0.0.0' || bindHost === '::') return 'any';
  const names = ['127.0.0.1', 'localhost', '[::1]', isIP(bindHost) === 6 ? `[${bindHost}]` : bindHost];
  return new Set(names.map((n) => n.toLowerCase()));
}

/** The host name of a Host header, without its port: `[::1]:80` → `[::1]`, `Example:80` → `example`. */
export function hostName(hostHeader: string): string {
  // Anything but name[:port] (e.g. `[::1].evil:80`) yields '', which no policy allows.
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(hostHeader.trim().toLowerCase());
  return match ? match[1]! : '';
}

export function hostAllowed(hostHeader: string | undefined, policy: HostPolicy): boolean {
  if (!hostHeader) return false;
  return policy === 'any' || policy.has(hostName(hostHeader));
}

/**
 * A WebSocket upgrade from a browser must come from the studio's own page: its Origin must be
 * http://<the Host it addressed>. Clients that are not browsers send no Origin; they still need the token.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!hostHeader) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' && parsed.host.toLowerCase() === hostHeader.toLowerCase();
}
