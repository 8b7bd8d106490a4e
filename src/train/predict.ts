/**
 * Per-frame predictions of a trained classifier (isomorphic): the engine's forward pass
 * over sequences with the same streams and resets as training (src/train/evaluate.ts),
 * each active frame's class probabilities and its most probable class, by name when the
 * model has class names.
 */
import type { SequenceLike } from "../engine/engine.js";
import type { Schedule } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import { evaluate } from "./evaluate.js";

/** One sequence's predictions: per frame, the best class (name or index) and the probabilities. */
export interface SequencePrediction {
  labels: (string | number)[];
  probs: number[][];
}

/**
 * Runs `model` over `sequences` (labels, if any, are ignored) on `streams` streams and
 * returns each frame's most probable class and its probabilities (6 significant digits).
 */
export function predictFrames(
  model: SequenceModel,
  classes: readonly string[] | null,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
): SequencePrediction[] {
  const C = model.config.outputSize;
  const out: SequencePrediction[] = sequences.map((s) => ({
    labels: new Array<string | number>(s.length),
    probs: new Array<number[]>(s.length),
  }));
  evaluate(model, sequences, schedule, Math.max(1, Math.min(streams, sequences.length)), (frame) => {
    let best = 0;
    const row: number[] = [];
    for (let c = 0; c < C; c++) {
      const p = frame.probs[frame.probsOffset + c] as number;
      row.push(Number(p.toPrecision(6)));
      if (p > (frame.probs[frame.probsOffset + best] as number)) best = c;
    }
    const prediction = out[frame.sequence] as SequencePrediction;
    prediction.labels[frame.position] = classes ? (classes[best] as string) : best;
    prediction.probs[frame.position] = row;
  });
  return out;
}
