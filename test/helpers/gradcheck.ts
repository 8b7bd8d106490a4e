/**
 * Finite differences against analytic gradients, in float64: the five-point stencil
 *   f'(x) ≈ [8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))] / 12h,
 * whose truncation error is O(h⁴), so h = 1e-4 leaves mostly rounding (~1e-12).
 * Error measure per component: |a − n| / max(|a|, |n|) where max(|a|, |n|) > floor,
 * and the plain |a − n| below the floor (tiny gradients carry no relative meaning).
 */
import type { FloatArray } from "../../src/core/types.js";

export interface GradCheckResult {
  worst: number;
  worstIndex: number;
  analytic: number;
  numeric: number;
}

export function checkGradient(
  params: FloatArray,
  analytic: ArrayLike<number>,
  loss: () => number,
  options: { eps?: number; floor?: number; indices?: number[] } = {},
): GradCheckResult {
  const eps = options.eps ?? 1e-4;
  const floor = options.floor ?? 1e-4;
  const indices = options.indices ?? Array.from({ length: params.length }, (_, i) => i);
  let result: GradCheckResult = { worst: 0, worstIndex: -1, analytic: 0, numeric: 0 };
  for (const i of indices) {
    const saved = params[i] as number;
    const at = (delta: number): number => {
      params[i] = saved + delta;
      return loss();
    };
    const near = at(eps) - at(-eps);
    const far = at(2 * eps) - at(-2 * eps);
    params[i] = saved;
    const numeric = (8 * near - far) / (12 * eps);
    const a = analytic[i] as number;
    const scale = Math.max(Math.abs(a), Math.abs(numeric));
    const err = scale > floor ? Math.abs(a - numeric) / scale : Math.abs(a - numeric);
    if (err > result.worst || result.worstIndex < 0)
      result = { worst: err, worstIndex: i, analytic: a, numeric };
  }
  return result;
}
