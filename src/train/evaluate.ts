/**
 * Forward-only evaluation through the engine: the same streams, resets and carried
 * state as training, no backward pass and no update. Reads each labelled frame's
 * probabilities from the model and accumulates FrameMetrics; `onFrame` sees every
 * active frame (for `tbptt predict`).
 */
import type { Engine, SequenceLike } from "../engine/engine.js";
import { Engine as EngineClass } from "../engine/engine.js";
import { makeSchedule, type Schedule } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import { FrameMetrics } from "./metrics.js";

export interface FrameOutput {
  sequence: number;
  position: number;
  label: number;
  probs: ArrayLike<number>;
  probsOffset: number;
}

/** A schedule with the same streams and resets as training, in chunks of `chunk` steps. */
export function evaluationSchedule(training: Schedule, bidirectional: boolean, chunk = 256): Schedule {
  const k = bidirectional || !Number.isFinite(training.k1) ? Number.POSITIVE_INFINITY : chunk;
  return makeSchedule({ ...training, k1: k, k2: k, truncation: "window", flush: true });
}

export function evaluate(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  onFrame?: (frame: FrameOutput) => void,
): FrameMetrics {
  const C = model.config.outputSize;
  const metrics = new FrameMetrics(C);
  const engine: Engine = new EngineClass(
    model,
    evaluationSchedule(schedule, model.config.bidirectional),
    streams,
  );
  engine.run(sequences, () => true, {
    train: false,
    onForward: (plan) => {
      const { probs, tape } = model;
      for (const tick of plan.ticks) {
        const slot = engine.slotOf(tick.time);
        tick.steps.forEach((step, b) => {
          if (!step) return;
          const row = slot * streams + b;
          const off = row * C;
          const label = tape.labels[row] as number;
          if (label >= 0) {
            let best = 0;
            for (let c = 1; c < C; c++)
              if ((probs[off + c] as number) > (probs[off + best] as number)) best = c;
            metrics.add(label, best, -Math.log(Math.max(probs[off + label] as number, 1e-300)));
          }
          onFrame?.({ sequence: step.sequence, position: step.position, label, probs, probsOffset: off });
        });
      }
    },
  });
  return metrics;
}
