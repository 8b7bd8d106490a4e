/**
 * Feature normalisation: per-dimension mean and standard deviation over all
 * frames of the training set, then x ← (x − mean)/std for every set. The
 * statistics come from training data only, so validation and test stay
 * unseen. A dimension with (near) zero variance keeps std = 1.
 *
 * Pure: no `node:` imports.
 */
import { TbpttError } from "../../core/errors.js";

/** Per-dimension statistics a model stores to normalise its inputs: x ↦ (x − mean) / std. */
export interface NormStats {
  /** The mean of each input dimension over the training frames. */
  mean: Float32Array;
  /** The standard deviation of each dimension (1 where it is near zero). */
  std: Float32Array;
}

/** Mean and standard deviation of each of `dim` columns over every frame of every matrix (frames × dim, row-major). */
export function normalisationStats(matrices: Iterable<Float32Array>, dim: number): NormStats {
  const sum = new Float64Array(dim);
  const sumSq = new Float64Array(dim);
  let n = 0;
  const all = [...matrices];
  for (const m of all) {
    if (m.length % dim !== 0)
      throw new TbpttError(`normalisationStats: a matrix of ${m.length} values is not frames × ${dim}`);
    for (let i = 0; i < m.length; i++) sum[i % dim] += m[i];
    n += m.length / dim;
  }
  if (n === 0) throw new TbpttError("normalisationStats: no frames");
  const mean = new Float32Array(dim);
  for (let d = 0; d < dim; d++) mean[d] = sum[d] / n;
  // Second pass around the mean (numerically safer than E[x²] − E[x]²).
  for (const m of all)
    for (let i = 0; i < m.length; i++) {
      const c = m[i] - mean[i % dim];
      sumSq[i % dim] += c * c;
    }
  const std = new Float32Array(dim);
  for (let d = 0; d < dim; d++) {
    const s = Math.sqrt(sumSq[d] / n);
    std[d] = s > 1e-8 ? s : 1;
  }
  return { mean, std };
}

/** x ← (x − mean)/std, in place, for a (frames × dim) matrix. */
export function normalise(matrix: Float32Array, stats: NormStats): void {
  const dim = stats.mean.length;
  if (matrix.length % dim !== 0)
    throw new TbpttError(`normalise: a matrix of ${matrix.length} values is not frames × ${dim}`);
  for (let i = 0; i < matrix.length; i++) matrix[i] = (matrix[i] - stats.mean[i % dim]) / stats.std[i % dim];
}
