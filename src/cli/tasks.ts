/**
 * Data for a training config, by task: generic labelled sequences (JSON Lines or the
 * binary form), text (char-rnn streams) or speech (a TIMIT-layout corpus).
 * Each task returns the engine's sequences, the sizes the model needs, and the metadata
 * saved with the model.
 */
import type { LabelledSet } from "../data/labelled.js";
import { applyNormalisation, classCount, computeNormalisation, toEngineSequences } from "../data/labelled.js";
import type { SequenceLike } from "../engine/engine.js";
import { readLabelledFile } from "../io/dataset-files.js";
import type { ModelMeta } from "../io/model-files.js";
import type { TrainConfig } from "../train/config.js";
import type { FrameMetrics } from "../train/metrics.js";

export interface TaskData {
  train: SequenceLike[];
  valid: SequenceLike[] | null;
  inputSize: number;
  outputSize: number;
  meta: ModelMeta;
  /** One line for the log: what was loaded. */
  describe: string;
  /** Lines to show the user before training (e.g. what --skip-bad skipped). */
  warnings?: string[];
  /** Task metrics from the validation frame metrics (e.g. bits per character, 39-phone error). */
  report?(metrics: FrameMetrics): Record<string, number>;
}

export async function loadTaskData(config: TrainConfig): Promise<TaskData> {
  switch (config.task) {
    case "sequences":
      return loadSequences(config);
    case "text":
      return (await import("../io/text-files.js")).loadTextTask(config);
    case "speech":
      return (await import("./task-speech.js")).loadSpeechTask(config);
  }
}

function loadSequences(config: TrainConfig): TaskData {
  const train = readLabelledFile(config.data.train, { inputSize: config.model.inputSize });
  const outputSize = config.model.outputSize ?? classCount(train);
  let valid: LabelledSet | null = null;
  if (config.data.valid) {
    valid = readLabelledFile(config.data.valid, {
      inputSize: train.inputSize,
      classes: train.classes,
      classCount: outputSize,
    });
  }
  if (!train.classes) {
    for (const s of train.sequences) {
      for (const y of s.labels) {
        if (y >= outputSize)
          throw new Error(`${config.data.train}: label ${y} is outside model.outputSize = ${outputSize}`);
      }
    }
  }
  const normalisation = config.data.normalise ? computeNormalisation(train) : null;
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
