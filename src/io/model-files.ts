/**
 * A model directory (Node-only): `model.safetensors` (parameters under PyTorch's names,
 * with the architecture in the metadata key `tbptt.architecture`) and `model.json`
 * (the architecture plus what the task needs to use the model: class names, feature
 * normalisation, the text unit…). Both written atomically.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Backend } from "../core/backend.js";
import { createPlainBackend } from "../core/plain.js";
import { type ModelConfig, SequenceModel } from "../nn/model.js";
import { loadParameterTensors, parameterTensors } from "../nn/weights.js";
import { readSafetensorsFileSync, writeFileAtomicSync, writeSafetensorsFileSync } from "./atomic-write.js";

export interface ModelMeta {
  task: string;
  /** Class names, index = output class; null when the data used class indices. */
  classes: string[] | null;
  normalisation?: { mean: number[]; std: number[] } | null;
  [key: string]: unknown;
}

export interface ModelFile {
  format: "tbptt-model";
  version: 1;
  model: ModelConfig;
  meta: ModelMeta;
}

export function saveModelDir(dir: string, model: SequenceModel, meta: ModelMeta): void {
  mkdirSync(dir, { recursive: true });
  writeSafetensorsFileSync(join(dir, "model.safetensors"), parameterTensors(model), {
    "tbptt.architecture": JSON.stringify(model.config),
  });
  const file: ModelFile = { format: "tbptt-model", version: 1, model: model.config, meta };
  writeFileAtomicSync(
    join(dir, "model.json"),
    new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`),
  );
}

export function readModelFile(dir: string): ModelFile {
  const path = join(dir, "model.json");
  if (!existsSync(path))
    throw new Error(
      `${dir}: not a model directory (no model.json; expected model.json and model.safetensors)`,
    );
  let file: ModelFile;
  try {
    file = JSON.parse(readFileSync(path, "utf8")) as ModelFile;
  } catch (e) {
    throw new Error(`${path}: invalid JSON: ${(e as Error).message}`);
  }
  if (file.format !== "tbptt-model")
    throw new Error(`${path}: expected "format": "tbptt-model", got ${JSON.stringify(file.format)}`);
  return file;
}

export function loadModelDir(dir: string, backend?: Backend): { model: SequenceModel; meta: ModelMeta } {
  const file = readModelFile(dir);
  const model = new SequenceModel(file.model, backend ?? createPlainBackend("float32"));
  const weights = join(dir, "model.safetensors");
  loadParameterTensors(model, readSafetensorsFileSync(weights).tensors, weights);
  return { model, meta: file.meta };
}
