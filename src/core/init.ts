/**
 * Seeded weight initialisation.
 *  - uniform ±r: Graves & Schmidhuber 2005 use r = 0.1; PyTorch's default for RNNs is r = 1/√H.
 *  - Xavier/Glorot uniform (Glorot & Bengio 2010): r = √(6 / (fanIn + fanOut)).
 *  - orthogonal (Saxe et al. 2014): each H×H gate block of a recurrent matrix is
 *    orthogonal, from Gram-Schmidt on a Gaussian matrix (computed in float64).
 */
import type { Rng } from "./random.js";
import type { FloatArray } from "./types.js";

export function fillUniform(rng: Rng, out: FloatArray, offset: number, size: number, range: number): void {
  for (let i = 0; i < size; i++) out[offset + i] = rng.uniform(-range, range);
}

export function xavierRange(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

/** Writes an orthogonal n×n matrix (row-major) at `offset`. */
export function fillOrthogonal(rng: Rng, out: FloatArray, offset: number, n: number): void {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) q[i] = rng.normal();
  // Modified Gram-Schmidt over rows; a row that collapses (probability zero) is redrawn.
  for (let i = 0; i < n; i++) {
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
  for (let i = 0; i < n * n; i++) out[offset + i] = q[i];
}
