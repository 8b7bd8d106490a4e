/**
 * Numeric types shared by every layer of tbptt.
 *
 * Training runs in float32; float64 exists so gradients can be checked against
 * finite differences and the TBPTT oracle to 1e-9 (see test/nn, test/engine).
 */
export type DType = "float32" | "float64";
/** A model's flat arrays (parameters, gradients, activations): float32 or float64. */
export type FloatArray = Float32Array | Float64Array;

/** Allocates a zeroed typed array of the given dtype. */
export function allocFloat(dtype: DType, length: number): FloatArray {
  return dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
}

/** Throws unless every entry of `values` is finite, naming what was checked and where it failed. */
export function assertFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      throw new Error(`${what}: expected finite numbers, found ${v} at index ${i}`);
    }
  }
}

/** Throws unless `actual` equals `expected`, naming the quantity: the boundary check of STYLE.md rule 8. */
export function assertSize(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}
