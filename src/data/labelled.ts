/**
 * Labelled sequences in memory: the generic data of the trainer.
 * Features are float32, T × I row-major; labels are class indices, −1 where a step has
 * no loss (masked, or "no label"). A vocabulary maps class indices to names when the
 * data names its classes (strings in JSON Lines); it is saved with the model.
 * A set with real-valued targets (for an "mse" output) has `targetSize` D and, per
 * sequence, T × D float32 targets, its labels 0 where a step has a target, −1 where not.
 * A set with one label per sequence (`per: "sequence"`) has it at the last step.
 */
import { TbpttError } from "../core/errors.js";
import { ArraySequence } from "../engine/array-sequence.js";

/**
 * One sequence: T × I features (float32, row-major), a label per step (−1: no loss), targets for
 * real-valued outputs.
 */
export interface LabelledSequence {
  id: string;
  features: Float32Array;
  labels: Int32Array;
  /** T × D real-valued targets (read where labels ≥ 0); absent for class labels. */
  targets?: Float32Array;
}

/** Labelled sequences with their feature count, class names and target form: the generic training data. */
export interface LabelledSet {
  /** Where the set came from (a file name), for messages. */
  source: string;
  inputSize: number;
  sequences: LabelledSequence[];
  /** Class names, index = class id; null when the data gave class indices. */
  classes: string[] | null;
  /** Where labels sit: every frame (default) or one per sequence, at its last frame. */
  per?: "frame" | "sequence";
  /** D, when the targets are real values (sequences carry `targets`); absent or 0 for class labels. */
  targetSize?: number;
}

/** The largest float32: features and targets are stored as float32, so a larger value would be ±Infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Why `v` cannot be a feature or target (null: it can): not a number, not finite, or beyond float32. */
export function float32Problem(v: unknown): string | null {
  if (typeof v !== "number" || !Number.isFinite(v)) return "expected a finite number";
  if (Math.abs(v) > FLOAT32_MAX)
    return "beyond float32's range (±3.4e38), where features and targets are stored";
  return null;
}

export function toEngineSequences(set: LabelledSet): ArraySequence[] {
  return set.sequences.map(
    (s) =>
      new ArraySequence(s.features, s.labels, set.inputSize, set.targetSize ? (s.targets ?? null) : null),
  );
}

/** The number of classes a set needs: its vocabulary, or the largest label + 1. */
export function classCount(set: LabelledSet): number {
  if (set.classes) return set.classes.length;
  let max = -1;
  for (const s of set.sequences) for (const y of s.labels) if (y > max) max = y;
  return max + 1;
}

export function frameCount(set: LabelledSet): number {
  return set.sequences.reduce((n, s) => n + s.labels.length, 0);
}

/** Feature mean and standard deviation over every frame of a set (float64 sums). */
export interface Normalisation {
  mean: number[];
  std: number[];
}

export function computeNormalisation(set: LabelledSet): Normalisation {
  const I = set.inputSize;
  return meanAndStd(I, (add) => {
    for (const s of set.sequences) for (let t = 0; t < s.labels.length; t++) add(s.features, t * I);
  });
}

/**
 * Mean and standard deviation per dimension of the real-valued targets, over the steps
 * that have one (labels ≥ 0): what an "mse" output learns to predict on unit scale
 * (src/nn/mse.ts). Null for a set of class labels.
 */
export function computeTargetNormalisation(set: LabelledSet): Normalisation | null {
  const D = set.targetSize ?? 0;
  if (D === 0) return null;
  return meanAndStd(D, (add) => {
    for (const s of set.sequences)
      for (let t = 0; t < s.labels.length; t++)
        if ((s.labels[t] as number) >= 0) add(s.targets as Float32Array, t * D);
  });
}

/** Per-dimension mean and standard deviation (float64 sums) of the vectors `visit` adds. */
function meanAndStd(
  width: number,
  visit: (add: (values: ArrayLike<number>, at: number) => void) => void,
): Normalisation {
  const sum = new Float64Array(width);
  const sumSq = new Float64Array(width);
  let n = 0;
  visit((values, at) => {
    for (let i = 0; i < width; i++) {
      const v = values[at + i] as number;
      sum[i] += v;
      sumSq[i] += v * v;
    }
    n++;
  });
  const mean = Array.from(sum, (v) => v / Math.max(1, n));
  // A constant dimension keeps std 1, so normalising never divides by zero.
  const std = Array.from(sumSq, (v, i) => {
    const variance = v / Math.max(1, n) - (mean[i] as number) ** 2;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { mean, std };
}

/** (x − mean) / std in place. */
export function applyNormalisation(set: LabelledSet, norm: Normalisation): void {
  const I = set.inputSize;
  if (norm.mean.length !== I) {
    throw new TbpttError(`${set.source}: normalisation has ${norm.mean.length} features, the data has ${I}`);
  }
  for (const s of set.sequences) {
    for (let k = 0; k < s.features.length; k++) {
      const i = k % I;
      const x = s.features[k] as number;
      s.features[k] = (x - (norm.mean[i] as number)) / (norm.std[i] as number);
      // Finite statistics can still take a finite feature past float32 (a tiny std, a huge mean).
      if (!Number.isFinite(s.features[k] as number))
        throw new TbpttError(
          `${set.source}: sequence ${s.id}, feature ${i} of frame ${Math.floor(k / I)} is ${x}, which normalised with mean ${norm.mean[i]} and std ${norm.std[i]} is ${s.features[k]} in float32`,
        );
    }
  }
}

/** A copy whose features can be normalised without touching `set`'s (labels and targets are shared). */
export function copyLabelledSet(set: LabelledSet): LabelledSet {
  return { ...set, sequences: set.sequences.map((s) => ({ ...s, features: Float32Array.from(s.features) })) };
}
