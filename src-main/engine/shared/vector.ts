/** L2-normalizes each `dim`-long row of a flat array, returning one Float32Array per row. Zero rows stay zero. */
export function normalizeRows(flat: Float32Array, dim: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let offset = 0; offset < flat.length; offset += dim) {
    const row = flat.slice(offset, offset + dim);
    let norm = 0;
    for (const v of row) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < dim; i++) row[i]! /= norm;
    rows.push(row);
  }
  return rows;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** A vector stored as bytes (an embedding BLOB, a concept file's token) read back as float32. */
export function toVector(blob: Buffer): Float32Array {
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

/** A float32 vector's bytes, for storing (shares the vector's memory). */
export function vectorBytes(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
