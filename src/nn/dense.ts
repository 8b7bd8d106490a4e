/**
 * Dense (affine) layer over a block of rows, as torch.nn.Linear: y = x Wᵀ + b,
 * W of shape (out, in). Dimension legend: R rows (slots × streams), F in, C out.
 */
import type { Backend } from "../core/backend.js";
import type { FloatArray } from "../core/types.js";

export interface DenseParams {
  weight: number; // (C, F)
  bias: number; // (C)
}

/** y[R, C] = x[R, F] Wᵀ + b (overwrites y). */
export function denseForward(
  backend: Backend,
  rows: number,
  inFeatures: number,
  outFeatures: number,
  x: FloatArray,
  xOff: number,
  params: FloatArray,
  p: DenseParams,
  y: FloatArray,
  yOff: number,
): void {
  backend.gemm(
    false,
    true,
    rows,
    outFeatures,
    inFeatures,
    1,
    x,
    xOff,
    inFeatures,
    params,
    p.weight,
    inFeatures,
    0,
    y,
    yOff,
    outFeatures,
  );
  backend.addRowBroadcast(rows, outFeatures, params, p.bias, y, yOff);
}

/** ∂W += ∂yᵀ x, ∂b += Σ_rows ∂y, and (when dx is given) ∂x += ∂y W. */
export function denseBackward(
  backend: Backend,
  rows: number,
  inFeatures: number,
  outFeatures: number,
  x: FloatArray,
  xOff: number,
  dy: FloatArray,
  dyOff: number,
  params: FloatArray,
  grads: FloatArray,
  p: DenseParams,
  dx: FloatArray | null,
  dxOff: number,
): void {
  backend.gemm(
    true,
    false,
    outFeatures,
    inFeatures,
    rows,
    1,
    dy,
    dyOff,
    outFeatures,
    x,
    xOff,
    inFeatures,
    1,
    grads,
    p.weight,
    inFeatures,
  );
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
