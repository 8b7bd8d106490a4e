/**
 * From a validated training config to the pieces of a run (isomorphic): the backend it
 * asks for, the model (built for the data's sizes and initialised from the seed, or from
 * given weights), and the trainer's options. `tbptt train` and the library's `train`
 * call these same functions, so a run means the same thing either way.
 */
import type { Backend } from "../core/backend.js";
import { createPlainBackend } from "../core/plain.js";
import { Rng } from "../core/random.js";
import { selectBackend } from "../core/select.js";
import { makeSchedule } from "../engine/schedule.js";
import type { DecodedTensor } from "../io/safetensors-types.js";
import { DEFAULT_OUTPUT, type OutputConfig } from "../nn/head.js";
import { initializeModel } from "../nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../nn/model.js";
import { loadParameterTensors } from "../nn/weights.js";
import type { TrainConfig } from "./config.js";
import type { ModelMeta } from "./model-format.js";
import type { TrainerOptions } from "./trainer.js";

/** The backend a config asks for, and why faster ones were passed over (empty when none were). */
export async function backendForConfig(
  config: Pick<TrainConfig, "dtype" | "backend">,
): Promise<{ backend: Backend; fallbackReasons: string[] }> {
  if (config.dtype === "float64" || config.backend === "plain")
    return { backend: createPlainBackend(config.dtype), fallbackReasons: [] };
  return selectBackend({
    dtype: config.dtype,
    prefer: config.backend === "auto" ? undefined : config.backend,
  });
}

/** The data's sizes, which the config may state too (then they must agree), and the output it needs. */
export interface DataSizes {
  inputSize: number;
  outputSize: number;
  /** The output head the data needs (TaskData.output); absent: softmax per frame. */
  output?: OutputConfig;
}

/**
 * The architecture for a config and data: the config's model keys with the data's sizes.
 * A size the config states that differs from the data's is an error naming `source`.
 */
export function modelConfigFor(
  config: Pick<TrainConfig, "model">,
  data: DataSizes,
  source = "config",
): ModelConfig {
  for (const key of ["inputSize", "outputSize"] as const) {
    const given = config.model[key];
    if (given !== undefined && given !== data[key])
      throw new Error(`${source}: model.${key} is ${given}, but the data needs ${data[key]}`);
  }
  const output = data.output ?? DEFAULT_OUTPUT;
  for (const key of ["kind", "per"] as const) {
    const asked = config.model.output?.[key];
    if (asked !== undefined && asked !== output[key])
      throw new Error(`${source}: model.output.${key} is "${asked}", but the data needs "${output[key]}"`);
  }
  return {
    cell: config.model.cell,
    inputSize: data.inputSize,
    hiddenSize: config.model.hiddenSize,
    layers: config.model.layers,
    bidirectional: config.model.bidirectional,
    peepholes: config.model.peepholes,
    projSize: config.model.projSize,
    gradient: config.model.gradient,
    outputSize: data.outputSize,
    nonlinearity: config.model.nonlinearity,
    ...(data.output ? { output: data.output } : {}),
  };
}

/**
 * A new model on `backend`, initialised as the config says (model.init, from the seed);
 * `initial` (the tensors of config.init, by PyTorch name) then replaces the parameters.
 */
export function createModelForConfig(
  config: Pick<TrainConfig, "model" | "seed">,
  architecture: ModelConfig,
  backend: Backend,
  initial?: { tensors: ReadonlyMap<string, DecodedTensor>; source: string },
): SequenceModel {
  const model = new SequenceModel(architecture, backend);
  initializeModel(model, new Rng(config.seed), config.model.init);
  if (initial) loadParameterTensors(model, initial.tensors, initial.source);
  return model;
}

/**
 * The trainer's options from a config. `bestMetric` is the task's (a language model is
 * judged by its loss, a labeller by its frame error) unless earlyStopping names one.
 */
export function trainerOptionsFromConfig(
  config: TrainConfig,
  bestMetric: "loss" | "frameError",
): TrainerOptions {
  return {
    schedule: makeSchedule(config.schedule),
    streams: config.streams,
    validStreams: config.validStreams,
    optimizer: config.optimizer,
    lrSchedule: config.lrSchedule,
    clip: config.clip,
    noise: config.noise,
    epochs: config.epochs,
    shuffle: config.shuffle,
    seed: config.seed,
    earlyStopping: config.earlyStopping ?? undefined,
    bestMetric,
    maxUpdates: config.maxUpdates ?? undefined,
    maxSeconds: config.maxSeconds ?? undefined,
    maxSteps: config.maxSteps ?? undefined,
    validateEvery: config.validateEvery,
    validateAtStart: config.validateAtStart,
    checkpointEvery: config.checkpointEvery,
    maxBadUpdates: config.maxBadUpdates,
  };
}

/**
 * What is saved with a trained model (model.json "meta"): the task's meta, the schedule's
 * resets and stream layout (evaluation runs the streams as training did) and the
 * validation streams, so `tbptt eval` reproduces by default the figure training printed.
 */
export function savedModelMeta(
  taskMeta: ModelMeta,
  config: Pick<TrainConfig, "schedule" | "streams" | "validStreams">,
): ModelMeta {
  const schedule = makeSchedule(config.schedule);
  return {
    ...taskMeta,
    schedule: { reset: schedule.reset, layout: schedule.layout },
    validStreams: config.validStreams ?? config.streams,
  };
}
