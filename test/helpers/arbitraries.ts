// fast-check draws shared by the schedule tests: step counts, reset policies, and the
// k1/k2 order window truncation needs.
import fc from "fast-check";
import type { ResetPolicy } from "../../src/engine/schedule.js";

/** k1 or k2: an integer 1 … max, or Infinity. */
export const stepCount = (max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.integer({ min: 1, max }), fc.constant(Number.POSITIVE_INFINITY));

/** "sequence", "never", or { every: 1 … maxEvery }. */
export const resetPolicy = (maxEvery: number): fc.Arbitrary<ResetPolicy> =>
  fc.oneof(
    fc.constant<ResetPolicy>("sequence"),
    fc.constant<ResetPolicy>("never"),
    fc.integer({ min: 1, max: maxEvery }).map((every): ResetPolicy => ({ every })),
  );

/** Window truncation needs k2 ≥ k1: swap a draw rather than discard it. */
export function orderSteps(truncation: "window" | "per-loss", a: number, b: number): [number, number] {
  return truncation === "window" && b < a ? [b, a] : [a, b];
}
