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
