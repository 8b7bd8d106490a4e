/**
 * Dense (affine) layer over a block of rows, as torch.nn.Linear: y = x Wᵀ + b,
 * W of shape (out, in); x dense rows or one-hot symbols (input.ts). Dimension legend:
 * R rows (slots × streams), F in, C out.
 */
import type { Backend } from "../core/backend.js";
import type { FloatArray } from "../core/types.js";
import { accumulateInputGradient, assertDenseForGradient, type LayerInput, projectInput } from "./input.js";

export interface DenseParams {
  weight: number; // (C, F)
  bias: number; // (C)
}

/** y[R, C] = x[R, F] Wᵀ + b (overwrites y), for the R rows of x from row xRow. */
export function denseForward(
  backend: Backend,
  rows: number,
  inFeatures: number,
  outFeatures: number,
  x: LayerInput,
  xRow: number,
  params: FloatArray,
  p: DenseParams,
  y: FloatArray,
  yOff: number,
): void {
  projectInput(backend, rows, inFeatures, outFeatures, x, xRow, params, p.weight, y, yOff);
  backend.addRowBroadcast(rows, outFeatures, params, p.bias, y, yOff);
}

/** ∂W += ∂yᵀ x, ∂b += Σ_rows ∂y, and (when dx is given; x dense) ∂x += ∂y W. */
export function denseBackward(
  backend: Backend,
  rows: number,
  inFeatures: number,
  outFeatures: number,
  x: LayerInput,
  xRow: number,
  dy: FloatArray,
  dyOff: number,
  params: FloatArray,
  grads: FloatArray,
  p: DenseParams,
  dx: FloatArray | null,
  dxOff: number,
): void {
  assertDenseForGradient(x, dx);
  accumulateInputGradient(backend, rows, inFeatures, outFeatures, x, xRow, dy, dyOff, grads, p.weight);
  backend.sumRows(rows, outFeatures, dy, dyOff, grads, p.bias);
  if (dx)
    backend.gemm(
      false,
      false,
      rows,
      inFeatures,
      outFeatures,
      1,
      dy,
      dyOff,
      outFeatures,
      params,
      p.weight,
      inFeatures,
      1,
      dx,
      dxOff,
      inFeatures,
    );
}
