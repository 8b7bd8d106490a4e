/**
 * A training config's data from disk, by task (Node-only): generic labelled sequences
 * (JSON Lines or the binary form), text (char-rnn streams) or speech (a TIMIT-layout
 * corpus). Each returns a TaskData (src/tasks/task-data.ts): the engine's sequences, the
 * sizes the model needs, and the metadata saved with the model.
 */
import type { LabelledSet } from "../data/labelled.js";
import { classCount } from "../data/labelled.js";
import { labelledTaskData, type TaskData } from "../tasks/task-data.js";
import type { TrainConfig } from "../train/config.js";
import { readLabelledFile } from "./dataset-files.js";

export type { TaskData } from "../tasks/task-data.js";

/** Reads the data `config` names for its task. */
export async function loadTaskData(config: TrainConfig): Promise<TaskData> {
  switch (config.task) {
    case "sequences":
      return loadSequencesTask(config);
    case "text":
      return (await import("./text-files.js")).loadTextTask(config);
    case "speech":
      return (await import("./speech-task.js")).loadSpeechTask(config);
  }
}

/** The generic task: data.train (and data.valid) as labelled-sequence files. */
export function loadSequencesTask(config: TrainConfig): TaskData {
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
  return labelledTaskData(train, valid, {
    outputSize,
    normalise: config.data.normalise,
    source: config.data.train,
  });
}
