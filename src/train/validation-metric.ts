/**
 * The validation metric that picks a run's best model and stops it early: frame error judges
 * class outputs, RMSE and MAE real-valued ones, the loss per frame both (docs/training.md).
 */
import type { SequenceModel } from "../nn/model.js";
import type { MetricsSummary } from "./evaluate.js";
import type { TrainerOptions, ValidationMetric } from "./trainer-types.js";

/** Whether `metric` can judge the outputs of `model`. */
export function metricApplies(metric: ValidationMetric, model: SequenceModel): boolean {
  const values = model.head.targetSize > 0;
  return values ? metric !== "frameError" : metric !== "rmse" && metric !== "mae";
}

/** Throws, naming earlyStopping.metric, when the metric asked for cannot judge the model's outputs. */
export function checkEarlyStoppingMetric(asked: ValidationMetric | undefined, model: SequenceModel): void {
  if (asked && !metricApplies(asked, model))
    throw new Error(
      `earlyStopping.metric: "${asked}" does not apply to a model with ${model.head.targetSize > 0 ? "real-valued outputs (use rmse, mae or loss)" : "class outputs (use frameError or loss)"}`,
    );
}

/** earlyStopping.metric, else bestMetric where it applies, else the output kind's own metric. */
export function chooseValidationMetric(
  options: Pick<TrainerOptions, "earlyStopping" | "bestMetric">,
  model: SequenceModel,
): ValidationMetric {
  const { earlyStopping, bestMetric } = options;
  if (earlyStopping?.metric) return earlyStopping.metric;
  if (bestMetric && metricApplies(bestMetric, model)) return bestMetric;
  return model.head.targetSize > 0 ? "rmse" : "frameError";
}

/** The metric's value in a validation summary (null where the summary lacks it). */
export function metricValue(summary: MetricsSummary, metric: ValidationMetric): number | null {
  return metric === "loss" ? summary.lossPerFrame : (summary[metric] ?? null);
}
