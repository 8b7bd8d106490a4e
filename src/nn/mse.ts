/**
 * Squared error on real-valued targets, the row loss of the "mse" head. With the
 * training targets' per-dimension mean m and standard deviation s (stored with the
 * model, so the network learns on unit scale and predicts in the data's units):
 *
 *   ŷ_d = m_d + s_d z_d                      (z: the Dense output, "normalised prediction")
 *   L   = ½ Σ_d (z_d − (y_d − m_d) / s_d)²  = ½ Σ_d ((ŷ_d − y_d) / s_d)²
 *   ∂L/∂z_d = z_d − (y_d − m_d) / s_d
 *
 * L is the negative log-likelihood of y under a Gaussian with mean ŷ and standard
 * deviation s_d per dimension, less its constant Σ_d log(s_d √(2π)) (Bishop 1995, §6.1:
 * least squares is maximum likelihood under Gaussian noise). On normalised targets it is
 * half of PyTorch's MSELoss(reduction="sum"). The output buffer keeps z (normalised), so a
 * float32 run keeps its precision when the data's mean is large; `read` gives ŷ.
 * A row has a loss where its label is ≥ 0 and its step is active (tape.ts); its D targets
 * are tape.targets[row·D …].
 */
import type { FloatArray } from "../core/types.js";
import type { RowLoss } from "./affine-head.js";
import type { TargetNormalisation } from "./head.js";

export function mseRowLoss(size: number, normalisation?: TargetNormalisation | null): RowLoss {
  const mean = Float64Array.from(normalisation?.mean ?? new Array(size).fill(0));
  const std = Float64Array.from(normalisation?.std ?? new Array(size).fill(1));
  const D = size;
  return {
    targetSize: D,
    forward(rows, z, off, tape, rowOff) {
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        const row = rowOff + r;
        if ((tape.labels[row] as number) < 0 || tape.active[row] === 0) continue;
        for (let d = 0; d < D; d++) {
          const diff = (z[off + r * D + d] as number) - standardise(tape.targets, row * D + d, mean, std, d);
          loss += 0.5 * diff * diff;
        }
      }
      return loss;
    },
    backward(rows, out, off, tape, rowOff, scale, dZ, dOff) {
      for (let r = 0; r < rows; r++) {
        const row = rowOff + r;
        const o = dOff + r * D;
        if ((tape.labels[row] as number) < 0 || tape.active[row] === 0) {
          dZ.fill(0, o, o + D);
          continue;
        }
        for (let d = 0; d < D; d++)
          dZ[o + d] =
            scale * ((out[off + r * D + d] as number) - standardise(tape.targets, row * D + d, mean, std, d));
      }
    },
    read(out, off, into, at) {
      for (let d = 0; d < D; d++)
        into[at + d] = (mean[d] as number) + (std[d] as number) * (out[off + d] as number);
    },
  };
}

/** (y − m_d) / s_d for the target at targets[i]. */
function standardise(
  targets: FloatArray,
  i: number,
  mean: Float64Array,
  std: Float64Array,
  d: number,
): number {
  return ((targets[i] as number) - (mean[d] as number)) / (std[d] as number);
}
