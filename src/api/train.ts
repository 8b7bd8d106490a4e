/**
 * `train`: a model from data in memory in one call (isomorphic; docs/library.md). The
 * options are a training config's keys (docs/config.md, validated the same way), with
 * the data given as values instead of paths:
 *
 *   const trained = await train({
 *     data: { train: rows, valid: validRows, normalise: true },   // rows: { x, y } per sequence
 *     model: { cell: "lstm", hiddenSize: 32 },
 *     schedule: { k1: 20, k2: 20 },
 *     optimizer: { type: "adam", lr: 0.01 },
 *     epochs: 10,
 *     hooks: { onEpoch: (e) => console.log(e.epoch, e.valid) },
 *   });
 *
 * It runs what `tbptt train` runs (src/train/setup.ts, the Trainer), without files: the
 * result is a TrainedModel holding the normalisation and class names, to predict with,
 * evaluate, or save (toBytes; saveModelDir in Node).
 */

import type { Backend } from "../core/backend.js";
import { TbpttError } from "../core/errors.js";
import { labelledSetFromRows, type ParseOptions } from "../data/jsonl.js";
import { checkSetLabels } from "../data/label-check.js";
import { copyLabelledSet, type LabelledSet } from "../data/labelled.js";
import { sequencesTaskData, type TaskData } from "../tasks/task-data.js";
import { buildCorpus } from "../tasks/text/corpus.js";
import { DEFAULT_VALID_FRACTION, textTaskData } from "../tasks/text/task.js";
import type { TextUnit } from "../tasks/text/units.js";
import { parseConfig, type TrainConfig, type TrainConfigInput } from "../train/config.js";
import {
  backendForConfig,
  createModelForConfig,
  modelConfigFor,
  savedModelMeta,
  trainerOptionsFromConfig,
} from "../train/setup.js";
import { Trainer, type TrainerHooks } from "../train/trainer.js";
import { type SequencesInput, TrainedModel } from "./trained-model.js";

/** Labelled sequences: rows `{ x, y, mask?, id? }` (as JSON Lines lines) or labelled sets. */
export interface SequencesData {
  train: SequencesInput;
  valid?: SequencesInput;
  /** Standardise each input feature with the training set's mean and deviation (stored with the model). */
  normalise?: boolean;
  /** Real-valued targets: learn them standardised, predictions back in the data's units (default true). */
  normaliseTargets?: boolean;
}

/** A text for a language model (char-rnn): the model learns to predict each next symbol. */
export interface TextData {
  text: string | Uint8Array;
  /** A separate validation text; else `validFraction` of the text's end is held out. */
  valid?: string | Uint8Array;
  /** "char" (default), "byte" or "word". */
  unit?: TextUnit;
  /** Share of the text held out for validation when `valid` is not given (default 0.05, as char-rnn). */
  validFraction?: number;
  /** unit "word": words seen fewer times become <unk>. */
  minCount?: number;
  /** unit "word": the most frequent words kept, the rest <unk>. */
  maxVocabulary?: number;
}

/** Options of `train`: a config's keys (docs/config.md) with the data as values. */
export interface TrainOptions
  extends Omit<
    TrainConfigInput,
    "data" | "task" | "out" | "init" | "logEvery" | "checkpointEvery" | "description" | "backend"
  > {
  /** The data: labelled sequences, a text, or a task's data already prepared (TaskData). */
  data: SequencesData | TextData | TaskData;
  /** "auto" (default: the fastest available), "native", "wasm", "plain", or a backend instance. */
  backend?: TrainConfigInput["backend"] | Backend;
  /** Called as training runs (each update, each epoch, the best model, a stop request). */
  hooks?: TrainerHooks;
}

const isTaskData = (data: TrainOptions["data"]): data is TaskData =>
  "inputSize" in data && "outputSize" in data && "meta" in data;
const isText = (data: TrainOptions["data"]): data is TextData => "text" in data;

function asSet(input: SequencesInput, source: string, options: ParseOptions): LabelledSet {
  if (Array.isArray(input)) return labelledSetFromRows(input, source, options);
  const set = input as LabelledSet;
  if (options.inputSize !== undefined && set.inputSize !== options.inputSize)
    throw new TbpttError(
      `${source}: frames have ${set.inputSize} features, the training data ${options.inputSize}`,
    );
  // a set of the caller's is copied: normalisation works in place; labels are checked
  // against the training data's classes (a validation set's own names mapped by name)
  return checkSetLabels(copyLabelledSet({ ...set, source }), {
    classes: options.classes,
    classCount: options.classCount,
  });
}

const bytesOf = (text: string | Uint8Array) =>
  typeof text === "string" ? new TextEncoder().encode(text) : text;

/** The task's data for validated options. */
function taskDataFor(data: TrainOptions["data"], config: TrainConfig): TaskData {
  if (isTaskData(data)) return data;
  if (isText(data)) {
    const words =
      data.minCount !== undefined || data.maxVocabulary !== undefined
        ? { minCount: data.minCount, maxSize: data.maxVocabulary }
        : undefined;
    const corpus = buildCorpus([{ name: "text", bytes: bytesOf(data.text) }], {
      unit: data.unit ?? "char",
      validFraction: data.validFraction ?? (data.valid !== undefined ? 0 : DEFAULT_VALID_FRACTION),
      ...(data.valid !== undefined ? { valid: [{ name: "valid", bytes: bytesOf(data.valid) }] } : {}),
      ...(words ? { words } : {}),
    });
    return textTaskData(corpus, {
      streams: config.streams,
      validStreams: config.validStreams,
      source: "text",
      ...(config.model.output?.kind === "class-softmax" ? { wordClasses: config.model.output } : {}),
    });
  }
  return sequencesTaskData(config, (which, options) =>
    which === "train"
      ? asSet(data.train, "data.train", options)
      : asSet(data.valid as SequencesInput, "data.valid", options),
  );
}

/**
 * Trains a model as the options say and returns it with its metadata and how training
 * ended (`trained.training`: the reason and every epoch's summary). Errors name the
 * option ("train options: schedule.k1: …") or the row ("data.train[3]: …").
 */
export async function train(options: TrainOptions): Promise<TrainedModel> {
  const { data, hooks, backend: backendOption, ...keys } = options;
  const text = isText(data);
  const raw = {
    ...keys,
    task: text ? "text" : "sequences",
    // A text is a few long streams whose state carries on (char-rnn), unless asked otherwise.
    ...(text ? { schedule: { layout: "packed", reset: "never", ...keys.schedule } } : {}),
    backend: typeof backendOption === "object" ? "auto" : backendOption,
    data: isTaskData(data) || text ? { train: "(in memory)" } : dataKeys(data),
  };
  const config = parseConfig(raw, "train options");
  const task = taskDataFor(data, config);
  const backend =
    typeof backendOption === "object" ? backendOption : (await backendForConfig(config)).backend;
  const model = createModelForConfig(config, modelConfigFor(config, task, "train options"), backend);
  const trainer = new Trainer(
    model,
    task.train,
    task.valid,
    trainerOptionsFromConfig(config, task.meta.task === "text" ? "loss" : "frameError"),
  );
  try {
    const result = await trainer.run(hooks);
    return new TrainedModel(model, savedModelMeta(task.meta, config), result);
  } finally {
    // the optimizer's state is not part of the model: give it back to the backend
    trainer.dispose();
  }
}

/** The config's data keys for labelled sequences in memory (their values stand in for paths). */
function dataKeys(data: SequencesData): Record<string, unknown> {
  return {
    train: "data.train",
    ...(data.valid !== undefined ? { valid: "data.valid" } : {}),
    ...(data.normalise !== undefined ? { normalise: data.normalise } : {}),
    ...(data.normaliseTargets !== undefined ? { normaliseTargets: data.normaliseTargets } : {}),
  };
}
