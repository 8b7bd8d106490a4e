/**
 * A training config's data from disk, by task (Node-only): generic labelled sequences
 * (JSON Lines or the binary form), text (char-rnn streams) or speech (a TIMIT-layout
 * corpus). Each returns a TaskData (src/tasks/task-data.ts): the engine's sequences, the
 * sizes the model needs, and the metadata saved with the model.
 */
import { sequencesTaskData, type TaskData } from "../tasks/task-data.js";
import type { TrainConfig } from "../train/config.js";
import { readLabelledFile } from "./dataset-files.js";

export type { TaskData } from "../tasks/task-data.js";

/** Reads the data `config` names for its task. */
export async function loadTaskData(config: TrainConfig): Promise<TaskData> {
  if (
    config.model.output?.kind === "class-softmax" &&
    (config.task !== "text" || config.data.unit !== "word")
  )
    throw new Error(
      `model.output.kind "class-softmax" needs task "text" with data.unit "word" (its classes are made from the words' counts, as rnnlm's -class), got task "${config.task}"${config.task === "text" ? ` with unit "${config.data.unit ?? "char"}"` : ""}`,
    );
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
  return sequencesTaskData(config, (which, options) =>
    readLabelledFile(which === "train" ? config.data.train : (config.data.valid as string), options),
  );
}
