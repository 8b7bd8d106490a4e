/**
 * What a task hands the trainer (isomorphic): the engine's sequences, the sizes the model
 * needs, the metadata saved with the model, and the task's extra validation figures.
 * `labelledTaskData` builds it for the generic task (labelled sequences already in
 * memory); src/io/task-files.ts reads each task's data from disk into this shape.
 */

import { TbpttError } from "../core/errors.js";
import type { ParseOptions } from "../data/jsonl.js";
import { checkSetLabels } from "../data/label-check.js";
import {
  applyNormalisation,
  classCount,
  computeNormalisation,
  computeTargetNormalisation,
  type LabelledSet,
  toEngineSequences,
} from "../data/labelled.js";
import type { TargetForm } from "../data/targets.js";
import type { SequenceLike } from "../engine/engine.js";
import type { OutputConfig } from "../nn/head.js";
import type { TrainConfig } from "../train/config.js";
import type { FrameMetrics } from "../train/metrics.js";
import type { ModelMeta } from "../train/model-format.js";

/** A task's data, ready for the trainer. */
export interface TaskData {
  train: SequenceLike[];
  valid: SequenceLike[] | null;
  inputSize: number;
  outputSize: number;
  /** The output head the data needs (kind, placement, target statistics); absent: softmax per frame. */
  output?: OutputConfig;
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
  /** Real-valued targets: learn them on unit scale, with the statistics kept in the model's output (default true). */
  normaliseTargets?: boolean;
  /** The output the config asks for; each key given must agree with the data. */
  output?: Partial<TargetForm>;
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
  const source = options.source ?? train.source;
  const form = setForm(train);
  for (const key of ["kind", "per"] as const) {
    const asked = options.output?.[key];
    if (asked !== undefined && asked !== form[key])
      throw new TbpttError(
        `${source}: model.output.${key} is "${asked}", but the data holds ${describeForm(form)}`,
      );
  }
  if (valid) {
    const validForm = setForm(valid);
    if (validForm.kind !== form.kind || validForm.per !== form.per || valid.targetSize !== train.targetSize)
      throw new TbpttError(
        `${valid.source}: the validation data holds ${describeForm(validForm, valid.targetSize)}, the training data ${describeForm(form, train.targetSize)}`,
      );
  }
  const values = form.kind === "mse";
  const outputSize = values ? (train.targetSize as number) : (options.outputSize ?? classCount(train));
  if (values && options.outputSize !== undefined && options.outputSize !== outputSize)
    throw new TbpttError(
      `${source}: model.outputSize is ${options.outputSize}, but the targets have ${outputSize} values`,
    );
  // One name per output, as model.json must have (model-check.ts).
  if (train.classes && !values && outputSize !== train.classes.length)
    throw new TbpttError(
      `${source}: the data names ${train.classes.length} classes, but model.outputSize is ${outputSize}; leave model.outputSize out (it follows the names)`,
    );
  // Every label a class index below outputSize or −1; a validation set's own class names
  // mapped to the training set's by name (label-check.ts).
  train = checkSetLabels(train, { classCount: values ? undefined : outputSize });
  if (valid)
    valid = checkSetLabels(valid, { classes: train.classes, classCount: values ? undefined : outputSize });
  const output: OutputConfig = {
    ...form,
    ...(values
      ? { normalisation: options.normaliseTargets === false ? null : computeTargetNormalisation(train) }
      : {}),
  };
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
    ...(form.kind === "softmax" && form.per === "frame" ? {} : { output }),
    meta: { task: "sequences", classes: train.classes, normalisation },
    describe: `${train.sequences.length} training sequences${valid ? `, ${valid.sequences.length} validation` : ""}, ${train.inputSize} features, ${values ? `${outputSize} real-valued targets` : `${outputSize} classes`}${form.per === "sequence" ? " (one per sequence)" : ""}`,
  };
}

/** The output a labelled set needs: its kind of targets and where they sit. */
export function setForm(set: LabelledSet): TargetForm {
  return { kind: (set.targetSize ?? 0) > 0 ? "mse" : "softmax", per: set.per ?? "frame" };
}

function describeForm(form: TargetForm, targetSize?: number): string {
  const what =
    form.kind === "mse"
      ? `real-valued targets${targetSize ? ` (${targetSize} values)` : ""}`
      : "class labels";
  return `${what} ${form.per === "frame" ? "per frame" : "per sequence"}`;
}

/**
 * The generic task of a config, whatever holds the data: `read` gives the training set
 * ("train") or the validation set ("valid", asked only when config.data.valid is set),
 * parsed with the options given (the form the config's model.output asks for, then the
 * training set's classes and form for validation). src/io/task-files.ts reads files; the
 * library's `train` reads rows in memory.
 */
export function sequencesTaskData(
  config: Pick<TrainConfig, "model" | "data">,
  read: (which: "train" | "valid", options: ParseOptions) => LabelledSet,
): TaskData {
  const asked = config.model.output;
  // Both keys given: read "y" in that form (values per sequence can only be read so).
  const form = asked?.kind && asked.per ? { kind: asked.kind, per: asked.per } : undefined;
  const train = read("train", {
    inputSize: config.model.inputSize,
    ...(form?.kind !== "mse" && config.model.outputSize !== undefined
      ? { classCount: config.model.outputSize }
      : {}),
    form,
    targetSize: form?.kind === "mse" ? config.model.outputSize : undefined,
  });
  const values = (train.targetSize ?? 0) > 0;
  const outputSize = values ? (train.targetSize as number) : (config.model.outputSize ?? classCount(train));
  const valid = config.data.valid
    ? read("valid", {
        inputSize: train.inputSize,
        classes: train.classes,
        classCount: values ? undefined : outputSize,
        form: setForm(train),
        targetSize: values ? outputSize : undefined,
      })
    : null;
  return labelledTaskData(train, valid, {
    outputSize: config.model.outputSize ?? outputSize,
    normalise: config.data.normalise,
    normaliseTargets: config.data.normaliseTargets,
    output: asked,
    source: config.data.train,
  });
}
