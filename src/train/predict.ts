/**
 * Predictions of a trained model (isomorphic): the engine's forward pass over sequences
 * with the same streams and resets as training (src/train/evaluate.ts). For a classifier,
 * each active frame's class probabilities and its most probable class, by name when the
 * model has class names (predictFrames); `predict` covers every output: one class per
 * sequence, and real values per frame or per sequence in the data's units.
 */
import type { SequenceLike } from "../engine/engine.js";
import type { Schedule } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import { evaluate, forEachFrame } from "./evaluate.js";

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

/** One sequence's class: the most probable at its last frame, and the probabilities there. */
export interface SequenceClassPrediction {
  label: string | number;
  probs: number[];
}

/** One sequence's real-valued predictions in the data's units: per frame, or at its last frame. */
export interface ValuesPrediction {
  predictions: number[][];
}
/** One sequence's real-valued prediction at its last frame, in the data's units. */
export interface SequenceValuesPrediction {
  prediction: number[];
}

/** What `predict` gives per sequence, by the model's output (see each type). */
export type Prediction =
  | SequencePrediction
  | SequenceClassPrediction
  | ValuesPrediction
  | SequenceValuesPrediction;

/**
 * Predictions of any model (isomorphic), shaped by its output: classes per frame as
 * predictFrames; one class per sequence (`per: "sequence"`) from its last frame; real values
 * per frame, or per sequence from its last frame, in the data's units (the model's stored
 * target statistics applied). Numbers keep 6 significant digits.
 */
export function predict(
  model: SequenceModel,
  classes: readonly string[] | null,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
): Prediction[] {
  const { per } = model.head.config;
  const values = model.head.targetSize > 0;
  if (!values && per === "frame") return predictFrames(model, classes, sequences, schedule, streams);
  const C = model.config.outputSize;
  const rows = sequences.map((s) => new Array<number[]>(per === "frame" ? s.length : 1));
  const row = new Float64Array(C);
  forEachFrame(model, sequences, schedule, Math.max(1, Math.min(streams, sequences.length)), (frame) => {
    const last = frame.position === (sequences[frame.sequence] as SequenceLike).length - 1;
    if (per === "sequence" && !last) return;
    model.head.read(frame.row, row);
    (rows[frame.sequence] as number[][])[per === "frame" ? frame.position : 0] = Array.from(row, (v) =>
      Number(v.toPrecision(6)),
    );
  });
  return rows.map((r) => {
    if (values) return per === "frame" ? { predictions: r } : { prediction: r[0] as number[] };
    const probs = r[0] as number[];
    let best = 0;
    for (let c = 1; c < C; c++) if ((probs[c] as number) > (probs[best] as number)) best = c;
    return { label: classes ? (classes[best] as string) : best, probs };
  });
}
