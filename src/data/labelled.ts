/**
 * Labelled sequences in memory: the generic data of the trainer.
 * Features are float32, T × I row-major; labels are class indices, −1 where a step has
 * no loss (masked, or "no label"). A vocabulary maps class indices to names when the
 * data names its classes (strings in JSON Lines); it is saved with the model.
 */
import { ArraySequence } from "../engine/array-sequence.js";

export interface LabelledSequence {
  id: string;
  features: Float32Array;
  labels: Int32Array;
}

export interface LabelledSet {
  /** Where the set came from (a file name), for messages. */
  source: string;
  inputSize: number;
  sequences: LabelledSequence[];
  /** Class names, index = class id; null when the data gave class indices. */
  classes: string[] | null;
}

export function toEngineSequences(set: LabelledSet): ArraySequence[] {
  return set.sequences.map((s) => new ArraySequence(s.features, s.labels, set.inputSize));
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
  const sum = new Float64Array(I);
  const sumSq = new Float64Array(I);
  let n = 0;
  for (const s of set.sequences) {
    for (let t = 0; t < s.labels.length; t++) {
      for (let i = 0; i < I; i++) {
        const v = s.features[t * I + i] as number;
        sum[i] += v;
        sumSq[i] += v * v;
      }
      n++;
    }
  }
  const mean = Array.from(sum, (v) => v / Math.max(1, n));
  // A constant feature keeps std 1, so normalising never divides by zero.
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
    throw new Error(`${set.source}: normalisation has ${norm.mean.length} features, the data has ${I}`);
  }
  for (const s of set.sequences) {
    for (let k = 0; k < s.features.length; k++) {
      const i = k % I;
      s.features[k] = ((s.features[k] as number) - (norm.mean[i] as number)) / (norm.std[i] as number);
    }
  }
}
