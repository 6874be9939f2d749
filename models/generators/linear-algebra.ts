import type { Random } from '../scene-world/random';

/** rows×cols matrix with orthonormal rows (rows ≤ cols), row-major, from Gram–Schmidt on Gaussian noise. */
export function orthonormalRows(rows: number, cols: number, rng: Random): Float32Array {
  if (rows > cols) throw new Error(`cannot have ${rows} orthonormal rows in ${cols} dimensions`);
  const m: Float64Array[] = [];
  for (let i = 0; i < rows; i++) {
    const v = Float64Array.from({ length: cols }, () => rng.gaussian());
    for (const u of m) {
      let dot = 0;
      for (let k = 0; k < cols; k++) dot += v[k]! * u[k]!;
      for (let k = 0; k < cols; k++) v[k]! -= dot * u[k]!;
    }
    let norm = 0;
    for (let k = 0; k < cols; k++) norm += v[k]! * v[k]!;
    norm = Math.sqrt(norm);
    for (let k = 0; k < cols; k++) v[k]! /= norm;
    m.push(v);
  }
  const out = new Float32Array(rows * cols);
  m.forEach((row, i) => out.set(row, i * cols));
  return out;
}
