/**
 * The saved-model format (isomorphic; docs/model-format.md). A model is two things:
 *   model.json         { "format": "tbptt-model", "version": 1, "model": ModelConfig, "meta": ModelMeta }
 *   model.safetensors  the parameters under PyTorch's names; its metadata repeats the
 *                      architecture ("tbptt.architecture") and holds model.json whole
 *                      ("tbptt.model"), so the weights file alone is a complete model
 * On disk they are a folder (src/io/model-files.ts); in a browser, the safetensors bytes
 * alone (a download, IndexedDB, a URL). This module turns a model into those texts and
 * bytes and back, and checks what it reads against the version it knows.
 */

import type { Backend } from "../core/backend.js";
import { countingBackend } from "../core/counting-backend.js";
import { TbpttError } from "../core/errors.js";
import { createPlainBackend } from "../core/plain.js";
import { makeSchedule, type ResetPolicy, type Schedule, type StreamLayout } from "../engine/schedule.js";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.js";
import { type ModelConfig, SequenceModel } from "../nn/model.js";
import { checkParameterTensors, loadParameterTensors, parameterTensors } from "../nn/weights.js";
import { checkModelFile } from "./model-check.js";

/** The model.json `format` tag. */
export const MODEL_FORMAT = "tbptt-model";
/** The newest model.json version this library reads and the one it writes. */
export const MODEL_FORMAT_VERSION = 1;

/** What using a model needs besides its weights: written by the task that trained it. */
export interface ModelMeta {
  /** "sequences", "speech", "text", … (the config's `task`). */
  task: string;
  /** Class names, index = output class; null when the data used class indices. */
  classes: string[] | null;
  /** Per-feature statistics the inputs were normalised with, applied again before predicting. */
  normalisation?: { mean: number[]; std: number[] } | null;
  [key: string]: unknown;
}

/** The content of model.json. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  model: ModelConfig;
  meta: ModelMeta;
}

/** A network with what its task saved beside it: what `loadModel`/`loadModelDir` return. */
export interface LoadedModel {
  model: SequenceModel;
  meta: ModelMeta;
}

/** The model.json text of a model (2-space indented, a final newline). */
export function modelFileText(model: SequenceModel, meta: ModelMeta): string {
  const file: ModelFile = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, model: model.config, meta };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The model.safetensors bytes: the parameters, and model.json in the metadata. */
export function modelWeightsBytes(model: SequenceModel, meta: ModelMeta): Uint8Array {
  return encodeSafetensors(parameterTensors(model), {
    "tbptt.architecture": JSON.stringify(model.config),
    "tbptt.model": modelFileText(model, meta),
  });
}

/** Parses and checks a model.json text; `source` names it in errors. */
export function parseModelFile(text: string, source = "model.json"): ModelFile {
  let file: ModelFile;
  try {
    file = JSON.parse(text) as ModelFile;
  } catch (e) {
    throw new TbpttError(`${source}: invalid JSON: ${(e as Error).message}`);
  }
  if (typeof file !== "object" || file === null || Array.isArray(file))
    throw new TbpttError(`${source}: expected a JSON object`);
  if (file.format !== MODEL_FORMAT)
    throw new TbpttError(
      `${source}: expected "format": "${MODEL_FORMAT}", got ${JSON.stringify(file.format)}`,
    );
  if (typeof file.version !== "number" || !Number.isInteger(file.version) || file.version < 1)
    throw new TbpttError(
      `${source}: "version" must be a positive integer, got ${JSON.stringify(file.version)}`,
    );
  if (file.version > MODEL_FORMAT_VERSION)
    throw new TbpttError(
      `${source}: model format version ${file.version} is newer than this tbptt reads (${MODEL_FORMAT_VERSION}); upgrade tbptt`,
    );
  if (typeof file.model !== "object" || file.model === null)
    throw new TbpttError(`${source}: "model" (the architecture) is missing`);
  if (typeof file.meta !== "object" || file.meta === null)
    throw new TbpttError(`${source}: "meta" is missing`);
  // The streams' resets and layout are read when the model runs: check them now, naming the file.
  try {
    modelSchedule(file.meta);
  } catch (e) {
    if (e instanceof TbpttError) throw new TbpttError(`${source}: meta.${e.message}`);
    throw e;
  }
  return file;
}

/**
 * A model from its weights bytes. `file` is model.json when it comes separately (a model
 * folder); without it, the copy in the weights' metadata is used.
 */
export function decodeModel(
  weights: Uint8Array,
  options: { file?: ModelFile; backend?: Backend; source?: string; fileSource?: string } = {},
): LoadedModel {
  const source = options.source ?? "<model bytes>";
  const decoded = decodeSafetensors(weights, source);
  let file = options.file;
  let fileSource = options.fileSource ?? "model.json";
  if (file === undefined) {
    const text = decoded.metadata["tbptt.model"];
    if (text === undefined)
      throw new TbpttError(
        `${source}: no "tbptt.model" in the safetensors metadata (a bare weights file: load it with its model.json)`,
      );
    fileSource = `${source} (metadata "tbptt.model")`;
    file = parseModelFile(text, fileSource);
  }
  // model.json against itself and against the weights, before any parameter is allocated.
  checkModelFile(file, fileSource);
  // Each layer has weight tensors of its own: more layers than tensors cannot fit, and
  // building even the counting model of a billion layers would not end.
  if (file.model.layers > decoded.tensors.size)
    throw new TbpttError(
      `${fileSource}: model.layers is ${file.model.layers}, but ${source} holds ${decoded.tensors.size} tensors (each layer has its own weights)`,
    );
  const counted = new SequenceModel(file.model, countingBackend("float32").backend);
  checkParameterTensors(counted.layout, decoded.tensors, source);
  const model = new SequenceModel(file.model, options.backend ?? createPlainBackend("float32"));
  loadParameterTensors(model, decoded.tensors, source);
  return { model, meta: file.meta };
}

/** The streams' layout and resets the model was trained with (meta.schedule), for running it again. */
export function modelSchedule(meta: ModelMeta): Schedule {
  const saved = meta.schedule as { reset?: ResetPolicy; layout?: StreamLayout } | undefined;
  return makeSchedule({ reset: saved?.reset ?? "sequence", layout: saved?.layout ?? "aligned" });
}
