/**
 * Frame-wise softmax and cross-entropy over C classes, with a per-frame mask:
 *   p = softmax(z),  L = −log p_y = logsumexp(z) − z_y,  ∂L/∂z = p − onehot(y).
 * A row has a loss only where its label is ≥ 0 and its step is active (tape.ts).
 */
import type { FloatArray } from "../core/types.js";
import type { RowLoss } from "./affine-head.js";

/**
 * Turns logits into probabilities in place and returns Σ L over the rows with a loss.
 * `labels` and `active` are indexed from `rowOff` (one entry per row).
 */
export function softmaxCrossEntropyForward(
  rows: number,
  classes: number,
  logits: FloatArray,
  off: number,
  labels: Int32Array,
  active: Uint8Array,
  rowOff: number,
): number {
  let loss = 0;
  if (exps.length < classes) exps = new Float64Array(classes);
  const e = exps;
  for (let r = 0; r < rows; r++) {
    const o = off + r * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) if (logits[o + c] > max) max = logits[o + c];
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      e[c] = Math.exp(logits[o + c] - max);
      sum += e[c];
    }
    const label = labels[rowOff + r];
    if (label >= 0 && active[rowOff + r] === 1) loss += Math.log(sum) - (logits[o + label] - max);
    for (let c = 0; c < classes; c++) logits[o + c] = e[c] / sum;
  }
  return loss;
}

/**
 * e^{z − max} of one row, kept in float64 between the sum and the division, so each exponential
 * is computed once and the probabilities are the same bits as when it was computed twice.
 */
let exps = new Float64Array(0);

/** dLogits = scale · (p − onehot(y)) on rows with a loss, 0 elsewhere (overwrites). */
export function softmaxCrossEntropyBackward(
  rows: number,
  classes: number,
  probs: FloatArray,
  off: number,
  labels: Int32Array,
  active: Uint8Array,
  rowOff: number,
  scale: number,
  dLogits: FloatArray,
  dOff: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = off + r * classes;
    const d = dOff + r * classes;
    const label = labels[rowOff + r];
    if (label < 0 || active[rowOff + r] === 0) {
      dLogits.fill(0, d, d + classes);
      continue;
    }
    for (let c = 0; c < classes; c++) dLogits[d + c] = scale * probs[o + c];
    dLogits[d + label] -= scale;
  }
}

/** Softmax cross-entropy over `classes` as a head's row loss; outputs are the probabilities p. */
export function softmaxRowLoss(classes: number): RowLoss {
  return {
    targetSize: 0,
    forward: (rows, z, off, tape, rowOff) =>
      softmaxCrossEntropyForward(rows, classes, z, off, tape.labels, tape.active, rowOff),
    backward: (rows, out, off, tape, rowOff, scale, dZ, dOff) =>
      softmaxCrossEntropyBackward(rows, classes, out, off, tape.labels, tape.active, rowOff, scale, dZ, dOff),
    read(out, off, into, at) {
      for (let c = 0; c < classes; c++) into[at + c] = out[off + c] as number;
    },
  };
}
