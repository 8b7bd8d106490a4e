// fast-check draws shared by the schedule tests: step counts, reset policies, the
// k1/k2 order window truncation needs, whole schedules; and output head configs.
import fc from "fast-check";
import { makeSchedule, type ResetPolicy, type Schedule } from "../../src/engine/schedule.js";
import type { OutputConfig } from "../../src/nn/head.js";

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

/** A schedule: k1, k2 (1 … maxSteps or Infinity), truncation, reset, flush, reduction, layout. */
export const scheduleDraw = (maxSteps: number, maxEvery: number): fc.Arbitrary<Schedule> =>
  fc
    .record({
      k1: stepCount(maxSteps),
      k2: stepCount(maxSteps),
      truncation: fc.constantFrom<"window" | "per-loss">("window", "per-loss"),
      reset: resetPolicy(maxEvery),
      flush: fc.boolean(),
      reduction: fc.constantFrom<"sum" | "mean">("sum", "mean"),
      layout: fc.constantFrom<"aligned" | "packed">("aligned", "packed"),
    })
    .map((r) => {
      const [k1, k2] = orderSteps(r.truncation, r.k1, r.k2);
      return makeSchedule({ ...r, k1, k2 });
    });

/** An output head config; an mse one standardises its `size` targets with made-up statistics. */
export function outputConfig(kind: "softmax" | "mse", per: "frame" | "sequence", size: number): OutputConfig {
  if (kind === "softmax") return { kind, per };
  return {
    kind,
    per,
    normalisation: {
      mean: Array.from({ length: size }, (_, d) => d - 1),
      std: Array.from({ length: size }, (_, d) => 0.5 + d),
    },
  };
}
