/**
 * Forward-only evaluation through the engine: the same streams, resets and carried
 * state as training, no backward pass and no update. A classifier's labelled frames
 * accumulate FrameMetrics (from the probabilities), a regressor's RegressionMetrics
 * (from its predictions in the data's units); `onFrame` sees every active frame (for
 * `tbptt predict`). With one label per sequence, the labelled frames are the sequences' ends.
 */
import type { Engine, SequenceLike } from "../engine/engine.js";
import { Engine as EngineClass } from "../engine/engine.js";
import { makeSchedule, type Schedule } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import { FrameMetrics } from "./metrics.js";
import { RegressionMetrics } from "./regression-metrics.js";

/** One active frame of a forward pass: where it is, its label, and where its outputs are. */
export interface FrameOutput {
  sequence: number;
  position: number;
  label: number;
  /** The head's output buffer (probabilities for softmax) and this frame's offset in it. */
  probs: ArrayLike<number>;
  probsOffset: number;
  /** The frame's row on the tape: model.head.read(row, …) gives its outputs in the data's units. */
  row: number;
}

/** What evaluating a model gives: class metrics for a softmax output, regression metrics for mse. */
export type Metrics = FrameMetrics | RegressionMetrics;

/** Metrics' summary(): frameError for class outputs, rmse and mae (the data's units) for real values. */
export interface MetricsSummary {
  lossPerFrame: number;
  frames: number;
  frameError?: number;
  rmse?: number;
  mae?: number;
}

/**
 * The summary as short phrases for a log line: "frame error 12.34%" ("sequence error" with
 * one label per sequence), or "RMSE 0.1234", "MAE 0.09876" (4 significant digits).
 */
export function metricPhrases(summary: MetricsSummary, per: "frame" | "sequence" = "frame"): string[] {
  const out: string[] = [];
  if (summary.frameError !== undefined)
    out.push(`${per === "sequence" ? "sequence" : "frame"} error ${(100 * summary.frameError).toFixed(2)}%`);
  if (summary.rmse !== undefined) out.push(`RMSE ${summary.rmse.toPrecision(4)}`);
  if (summary.mae !== undefined) out.push(`MAE ${summary.mae.toPrecision(4)}`);
  return out;
}

/**
 * A schedule with the same streams and resets as training, in chunks of `chunk` steps.
 * Aligned streams trained a sequence at a time (k1 = Infinity) are evaluated a sequence
 * at a time (memory bounded by the longest sequence); packed streams never meet at a
 * sequence boundary, so one pass over them would hold all the data: they go in chunks.
 */
export function evaluationSchedule(training: Schedule, bidirectional: boolean, chunk = 256): Schedule {
  const whole = bidirectional || (!Number.isFinite(training.k1) && training.layout === "aligned");
  const k = whole ? Number.POSITIVE_INFINITY : chunk;
  // Forward only, so the same for every algorithm: the TBPTT engine runs it.
  return makeSchedule({ ...training, k1: k, k2: k, truncation: "window", flush: true, algorithm: "tbptt" });
}

/** Runs the model forward over the sequences and calls `visit` for every active frame. */
export function forEachFrame(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  visit: (frame: FrameOutput) => void,
): void {
  const C = model.config.outputSize;
  const engine: Engine = new EngineClass(
    model,
    evaluationSchedule(schedule, model.config.bidirectional),
    streams,
  );
  // A class-factorised head computes only the label's class in forward: read every word's P(w).
  const full = model.head.config.kind === "class-softmax" ? new Float64Array(C) : null;
  engine.run(sequences, () => true, {
    train: false,
    onForward: (plan) => {
      const { tape } = model;
      const probs = full ?? model.probs;
      for (const tick of plan.ticks) {
        const slot = engine.slotOf(tick.time);
        tick.steps.forEach((step, b) => {
          if (!step) return;
          const row = slot * streams + b;
          const label = tape.labels[row] as number;
          if (full) model.head.read(row, full);
          visit({
            sequence: step.sequence,
            position: step.position,
            label,
            probs,
            probsOffset: full ? 0 : row * C,
            row,
          });
        });
      }
    },
  });
}

/** Class metrics of a softmax model: loss, frame error, confusion over the labelled frames. */
export function evaluate(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  onFrame?: (frame: FrameOutput) => void,
): FrameMetrics {
  if (model.head.targetSize > 0)
    throw new Error(
      `evaluate: the model's output is "${model.head.config.kind}" (real values), not class probabilities; use evaluateModel`,
    );
  const C = model.config.outputSize;
  const metrics = new FrameMetrics(C);
  forEachFrame(model, sequences, schedule, streams, (frame) => {
    const { label, probs, probsOffset: off } = frame;
    if (label >= 0) {
      let best = 0;
      for (let c = 1; c < C; c++) if ((probs[off + c] as number) > (probs[off + best] as number)) best = c;
      metrics.add(label, best, -Math.log(Math.max(probs[off + label] as number, 1e-300)));
    }
    onFrame?.(frame);
  });
  return metrics;
}

/** Regression metrics of an mse model, in the data's units, over the frames with a target. */
export function evaluateRegression(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  onFrame?: (frame: FrameOutput) => void,
): RegressionMetrics {
  const D = model.head.targetSize;
  if (D === 0)
    throw new Error(`evaluateRegression: the model's output is "${model.head.config.kind}", not real values`);
  const std = model.head.config.normalisation?.std;
  const metrics = new RegressionMetrics(D);
  const prediction = new Float64Array(D);
  const target = new Float64Array(D);
  forEachFrame(model, sequences, schedule, streams, (frame) => {
    if (frame.label >= 0) {
      model.head.read(frame.row, prediction);
      let loss = 0;
      for (let d = 0; d < D; d++) {
        target[d] = model.tape.targets[frame.row * D + d] as number;
        // The loss the model minimises: ½ Σ ((ŷ − y) / s)² (src/nn/mse.ts).
        loss += 0.5 * (((prediction[d] as number) - (target[d] as number)) / (std?.[d] ?? 1)) ** 2;
      }
      metrics.add(prediction, target, loss);
    }
    onFrame?.(frame);
  });
  return metrics;
}

/** The metrics that fit the model's output: evaluate for softmax, evaluateRegression for mse. */
export function evaluateModel(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  onFrame?: (frame: FrameOutput) => void,
): Metrics {
  return model.head.targetSize > 0
    ? evaluateRegression(model, sequences, schedule, streams, onFrame)
    : evaluate(model, sequences, schedule, streams, onFrame);
}
