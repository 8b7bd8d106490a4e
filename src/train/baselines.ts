/**
 * The persistence baseline of next-step forecasting: predict that the next value equals
 * the current one, ŷ_t = x_t (the "naive" forecast of Hyndman & Athanasopoulos,
 * Forecasting: Principles and Practice, §5.2). A forecaster is worth its weights only if
 * it beats it. Defined when the targets are the inputs one step ahead (y_t = x_{t+1}),
 * so both have D values per step; inputs that were normalised are first mapped back to
 * the data's units.
 */
import type { SequenceLike } from "../engine/engine.js";
import { RegressionMetrics } from "./regression-metrics.js";

/**
 * The persistence forecast's metrics (ŷ_t = x_t, "tomorrow as today") on sequences whose targets
 * are the next inputs, in the data's units.
 */
export function persistenceBaseline(
  sequences: readonly SequenceLike[],
  inputSize: number,
  inputNormalisation?: { mean: number[]; std: number[] } | null,
): RegressionMetrics {
  const D = inputSize;
  const metrics = new RegressionMetrics(D);
  const x = new Float64Array(D);
  const y = new Float64Array(D);
  sequences.forEach((s, i) => {
    if (s.targetSize !== D || !s.writeTarget)
      throw new Error(
        `persistence baseline: sequence ${i} has ${s.targetSize ?? 0} targets per step, its inputs ${D}; the baseline needs targets that are the next inputs`,
      );
    for (let t = 0; t < s.length; t++) {
      if (s.label(t) < 0) continue;
      s.writeInput(t, x, 0);
      s.writeTarget(t, y, 0);
      if (inputNormalisation)
        for (let d = 0; d < D; d++)
          x[d] =
            (x[d] as number) * (inputNormalisation.std[d] as number) + (inputNormalisation.mean[d] as number);
      metrics.add(x, y, 0);
    }
  });
  return metrics;
}
