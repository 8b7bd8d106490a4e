/**
 * A layer's input: dense features, or one-hot inputs given as symbols.
 *
 * Character and word models feed one-hot rows: x_t is 1 at the symbol v_t and 0 elsewhere. The
 * input projection W x_t (W of shape (n, I)) is then column v_t of W, a lookup (as the rnnlm
 * toolkit reads its input weights: computeNet in rnnlmlib.cpp adds the previous word's column of
 * syn0), and the weight gradient ∂W += ∂a x_tᵀ adds ∂a into that column alone. This costs n per
 * row instead of the dense
 * product's n·I, for exactly the same model: the parameters keep their names and shapes, so a
 * saved model does not know which way it was fed. The numbers are the dense product's: the same
 * bits for the projection on every backend (each entry is one term 1 · w plus exact zeros), the
 * same bits for the gradient on the plain backend (backend.ts: gatherColumns, scatterAddColumns).
 * A one-hot input has no gradient to pass below it; it is always the first layer's input.
 *
 * Dimension legend: R rows (slots × streams, from row0), I inputs (the one-hot width V), n outputs.
 */
import type { Backend } from "../core/backend.js";
import type { FloatArray } from "../core/types.js";

/**
 * Rows of a layer's input, slot-indexed like the tape: R·I dense features, or (Int32Array) one
 * symbol per row, the index of the row's one-hot 1, with −1 for an all-zero row.
 */
export type LayerInput = FloatArray | Int32Array;

/** How a model's first layer reads its input (SequenceModel.useInputs). */
export type InputKind = "dense" | "index";

/** y[r, ·] = W x_r for the R rows of x from row0 (overwrites y, row stride n); W (n, I) at wOff. */
export function projectInput(
  backend: Backend,
  rows: number,
  I: number,
  n: number,
  x: LayerInput,
  row0: number,
  params: FloatArray,
  wOff: number,
  y: FloatArray,
  yOff: number,
): void {
  if (x instanceof Int32Array) backend.gatherColumns(rows, n, I, x, row0, params, wOff, I, y, yOff, n);
  else backend.gemm(false, true, rows, n, I, 1, x, row0 * I, I, params, wOff, I, 0, y, yOff, n);
}

/** ∂W += Σ_r d_r x_rᵀ over the R rows of x from row0 and of d (row stride n) from dOff. */
export function accumulateInputGradient(
  backend: Backend,
  rows: number,
  I: number,
  n: number,
  x: LayerInput,
  row0: number,
  d: FloatArray,
  dOff: number,
  grads: FloatArray,
  wOff: number,
): void {
  if (x instanceof Int32Array) backend.scatterAddColumns(rows, n, I, x, row0, d, dOff, n, grads, wOff, I);
  else backend.gemm(true, false, n, I, rows, 1, d, dOff, n, x, row0 * I, I, 1, grads, wOff, I);
}

/** Throws when a layer is asked for ∂X of symbols (a one-hot input has no gradient to pass on). */
export function assertDenseForGradient(x: LayerInput, dX: FloatArray | null): void {
  if (dX && x instanceof Int32Array)
    throw new Error("a layer fed symbols (one-hot inputs as indices) has no input gradient ∂X to pass on");
}
