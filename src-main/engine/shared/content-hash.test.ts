import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash';

describe('contentHash', () => {
  it('is the SHA-256 of the bytes (the published digest of "abc", and createHash on a larger buffer)', async () => {
    expect(await contentHash(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const big = Buffer.alloc(3_000_000, 7);
    big.writeUInt32LE(123456, 1_000_000);
    expect(await contentHash(big)).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('hashes a view into a larger buffer by its own bytes only', async () => {
    const whole = Buffer.from('xxabcxx');
    expect(await contentHash(whole.subarray(2, 5))).toBe(await contentHash(Buffer.from('abc')));
  });

  it('lets the event loop turn while it hashes', async () => {
    let turned = false;
    setImmediate(() => (turned = true));
    await contentHash(Buffer.alloc(20_000_000, 1));
    expect(turned).toBe(true);
  });
});
