/**
 * Seeded weight initialisation.
 *  - uniform ±r: Graves & Schmidhuber 2005 use r = 0.1; PyTorch's default for RNNs is r = 1/√H.
 *  - Xavier/Glorot uniform (Glorot & Bengio 2010): r = √(6 / (fanIn + fanOut)).
 *  - orthogonal (Saxe et al. 2014): each H×H gate block of a recurrent matrix is
 *    orthogonal (H×P with orthonormal columns for LSTMP), from Gram-Schmidt on a
 *    Gaussian matrix (computed in float64).
 */
import type { Rng } from "./random.js";
import type { FloatArray } from "./types.js";

export function fillUniform(rng: Rng, out: FloatArray, offset: number, size: number, range: number): void {
  for (let i = 0; i < size; i++) out[offset + i] = rng.uniform(-range, range);
}

export function xavierRange(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * Writes a rows×cols matrix (row-major) at `offset` whose rows (rows ≤ cols) or columns
 * (rows > cols) are orthonormal, as torch.nn.init.orthogonal_ makes them; square: an
 * orthogonal matrix. Gram-Schmidt runs over the shorter side's vectors, drawn row by row.
 */
export function fillOrthogonal(rng: Rng, out: FloatArray, offset: number, rows: number, cols = rows): void {
  const count = Math.min(rows, cols);
  const n = Math.max(rows, cols);
  const q = new Float64Array(count * n);
  for (let i = 0; i < count * n; i++) q[i] = rng.normal();
  // Modified Gram-Schmidt over the vectors; one that collapses (probability zero) is redrawn.
  for (let i = 0; i < count; i++) {
    for (let attempt = 0; ; attempt++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += q[i * n + k] * q[j * n + k];
        for (let k = 0; k < n; k++) q[i * n + k] -= dot * q[j * n + k];
      }
      let norm = 0;
      for (let k = 0; k < n; k++) norm += q[i * n + k] * q[i * n + k];
      norm = Math.sqrt(norm);
      if (norm > 1e-8) {
        for (let k = 0; k < n; k++) q[i * n + k] /= norm;
        break;
      }
      if (attempt > 10) throw new Error("fillOrthogonal: could not draw an independent row");
      for (let k = 0; k < n; k++) q[i * n + k] = rng.normal();
    }
  }
  // rows ≤ cols: the vectors are the rows; rows > cols: they are the columns.
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[offset + r * cols + c] = rows <= cols ? q[r * n + c] : q[c * n + r];
}
