// Plain JavaScript so that both the fault suite (scripts/faults, run by Node without a build) and the TypeScript tests can use it.
import { crc32, deflateSync } from 'node:zlib';

/**
 * A PNG whose header claims 100000×100000 pixels (8-bit grayscale) over a few bytes of data: a decompression bomb the
 * decoder must refuse.
 * @returns {Buffer}
 */
export function bombPng() {
  /** @param {string} type @param {Buffer} body */
  const chunk = (type, body) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), body])));
    return Buffer.concat([head, Buffer.from(type), body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1000))), chunk('IEND', Buffer.alloc(0))]);
}
