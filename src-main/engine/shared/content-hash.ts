import { webcrypto } from 'node:crypto';

/**
 * SHA-256 of a file's bytes, hex. WebCrypto's digest runs on libuv's thread pool, not on the calling thread: hashing a
 * 12-MB camera JPEG takes tens of milliseconds, which `createHash` would spend blocking the engine's event loop.
 */
export async function contentHash(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}
