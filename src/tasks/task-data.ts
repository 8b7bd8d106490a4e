/**
 * What a task hands the trainer (isomorphic): the engine's sequences, the sizes the model
 * needs, the metadata saved with the model, and the task's extra validation figures.
 * `labelledTaskData` builds it for the generic task (labelled sequences already in
 * memory); src/io/task-files.ts reads each task's data from disk into this shape.
 */
import {
  applyNormalisation,
  classCount,
  computeNormalisation,
  type LabelledSet,
  toEngineSequences,
} from "../data/labelled.js";
import type { SequenceLike } from "../engine/engine.js";
import type { FrameMetrics } from "../train/metrics.js";
import type { ModelMeta } from "../train/model-format.js";

/** A task's data, ready for the trainer. */
export interface TaskData {
  train: SequenceLike[];
  valid: SequenceLike[] | null;
  inputSize: number;
  outputSize: number;
  /** Saved in model.json: what using the model later needs. */
  meta: ModelMeta;
  /** One line for the log: what was loaded. */
  describe: string;
  /** Lines to show the user before training (e.g. what --skip-bad skipped). */
  warnings?: string[];
  /** Task metrics from the validation frame metrics (e.g. bits per character, 39-phone error). */
  report?(metrics: FrameMetrics): Record<string, number>;
}

/** Options of `labelledTaskData`. */
export interface LabelledTaskOptions {
  /** Classes the model outputs (default: the set's class count). */
  outputSize?: number;
  /** Normalise features with the training set's mean and standard deviation (kept in the meta). */
  normalise?: boolean;
  /** Names the training set in errors (default: its `source`). */
  source?: string;
}

/**
 * The generic task from labelled sets in memory: checks the labels fit `outputSize`,
 * normalises both sets in place with the training statistics when asked, and records
 * the class names and statistics in the meta (task "sequences").
 */
export function labelledTaskData(
  train: LabelledSet,
  valid: LabelledSet | null,
  options: LabelledTaskOptions = {},
): TaskData {
  const outputSize = options.outputSize ?? classCount(train);
  if (!train.classes) {
    for (const s of train.sequences) {
      for (const y of s.labels) {
        if (y >= outputSize)
          throw new Error(
            `${options.source ?? train.source}: label ${y} is outside model.outputSize = ${outputSize}`,
          );
      }
    }
  }
  const normalisation = options.normalise ? computeNormalisation(train) : null;
  if (normalisation) {
    applyNormalisation(train, normalisation);
    if (valid) applyNormalisation(valid, normalisation);
  }
  return {
    train: toEngineSequences(train),
    valid: valid ? toEngineSequences(valid) : null,
    inputSize: train.inputSize,
    outputSize,
    meta: { task: "sequences", classes: train.classes, normalisation },
    describe: `${train.sequences.length} training sequences${valid ? `, ${valid.sequences.length} validation` : ""}, ${train.inputSize} features, ${outputSize} classes`,
  };
}
